using SuperRes.Imaging;

namespace SuperRes.Cli.Tests;

public sealed class DownscaleCommandTests(ITestOutputHelper log, CliFixtures fx) : IClassFixture<CliFixtures>
{
    private CliRun Run(params string[] args) => CliRun.Logged(log, args);

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Reproduces_the_shared_set5_lr_images_exactly(int scale)
    {
        var output = fx.NewFolder($"lr{scale}");

        var run = Run("downscale", TestPaths.Benchmark("Set5", scale, "HR"), "-o", output, "--scale", scale.ToString());

        run.AssertExit(0);
        var expected = Directory.GetFiles(TestPaths.Benchmark("Set5", scale, "LR"), "*.png").Order().ToArray();
        Assert.Equal(expected.Select(Path.GetFileName), Directory.GetFiles(output).Select(Path.GetFileName).Order());
        foreach (var file in expected)
        {
            var want = ImageCodec.Read(file);
            var got = ImageCodec.Read(Path.Combine(output, Path.GetFileName(file)));
            Assert.Equal((want.Width, want.Height, want.Channels, want.BitDepth), (got.Width, got.Height, got.Channels, got.BitDepth));
            Assert.Equal(want.Data, got.Data);
        }
    }

    [Fact]
    public void Crops_to_a_multiple_of_the_scale_keeps_bit_depth_and_skips_bad_files()
    {
        var input = fx.NewFolder("hr");
        CliFixtures.Write(input, "a.png", CliFixtures.RandomImage(3, width: 17, height: 13));
        CliFixtures.Write(input, "b.png", CliFixtures.RandomImage(1, 16, width: 17, height: 13));
        File.WriteAllText(Path.Combine(input, "c.png"), "not an image");
        var output = fx.NewFolder("lr");

        var run = Run("downscale", input, "-o", output, "--scale", "2");

        run.AssertExit(1);
        Assert.Contains("c.png", run.Err);
        var a = ImageCodec.Read(Path.Combine(output, "a.png"));
        Assert.Equal((8, 6, 3, 8), (a.Width, a.Height, a.Channels, a.BitDepth));
        var b = ImageCodec.Read(Path.Combine(output, "b.png"));
        Assert.Equal((8, 6, 1, 16), (b.Width, b.Height, b.Channels, b.BitDepth));
        Assert.False(File.Exists(Path.Combine(output, "c.png")));
    }
}
