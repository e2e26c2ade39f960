namespace SuperRes.Cli.Tests;

/// <summary><c>superres upscale --shard i/n</c>: the shards of one command line split its inputs, each exactly once.</summary>
public sealed class UpscaleShardTests(CliFixtures fx) : IClassFixture<CliFixtures>
{
    [Fact]
    public void Shards_cover_every_input_once_whatever_the_order_given()
    {
        var input = fx.NewFolder("in");
        var names = new[] { "e", "a", "d", "b", "c" };
        var paths = names.Select((n, i) => CliFixtures.Write(input, n + ".png", CliFixtures.RandomImage(3, seed: i))).ToArray();
        var output = fx.NewFolder("out");
        var seen = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            // Each shard is given the inputs in another order; the shard rule sorts them first.
            var order = paths.Skip(i).Concat(paths.Take(i)).ToArray();
            var before = Directory.GetFiles(output).ToHashSet();
            var run = CliRun.Of(["upscale", .. order, "-o", output, "--weights", fx.Fsrcnn, "--device", "cpu", "--shard", $"{i}/3"]);
            run.AssertExit(0);
            Assert.Contains($"(shard {i}/3)", run.Out);
            var made = Directory.GetFiles(output).Where(f => !before.Contains(f)).Select(Path.GetFileNameWithoutExtension).Order().ToArray();
            // Sorted a, b, c, d, e: shard 0 takes a and d, shard 1 b and e, shard 2 c.
            Assert.Equal(i switch { 0 => ["a", "d"], 1 => ["b", "e"], _ => new[] { "c" } }, made);
            seen.AddRange(made!);
        }
        Assert.Equal(names.Order(), seen.Order());
    }

    [Fact]
    public void An_empty_shard_succeeds_and_says_so()
    {
        var input = fx.NewFolder("in");
        var only = CliFixtures.Write(input, "one.png", CliFixtures.RandomImage(3));
        var run = CliRun.Of("upscale", only, "-o", Path.Combine(fx.NewFolder("out"), "x.png"), "--weights", fx.Fsrcnn, "--device", "cpu", "--shard", "1/2");
        run.AssertExit(0);
        Assert.Contains("shard 1/2: nothing to do (1 image(s) over 2 shards)", run.Out);
    }

    [Theory]
    [InlineData("2/2")]
    [InlineData("1")]
    [InlineData("-1/3")]
    [InlineData("a/b")]
    [InlineData("0/0")]
    public void A_bad_shard_is_a_usage_error(string shard)
    {
        var run = CliRun.Of("upscale", "x.png", "-o", "y.png", "--shard", shard);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--shard", run.Err);
    }
}
