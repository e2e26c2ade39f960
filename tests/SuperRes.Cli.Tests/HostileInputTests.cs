using System.Diagnostics;
using Xunit.Abstractions;

namespace SuperRes.Cli.Tests;

/// <summary>
/// Every hostile weight file of the issue 15 corpus, and absurd --options, through <c>superres upscale</c>:
/// one <c>error:</c> line naming the file and the problem, exit 1, no stack trace, within 10 s.
/// </summary>
public sealed class HostileInputTests(ITestOutputHelper log, CliFixtures fx) : IClassFixture<CliFixtures>
{
    public static TheoryData<string> HostileFiles()
    {
        var data = new TheoryData<string>();
        foreach (string file in Directory.GetFiles(Path.Combine(TestPaths.Fixtures, "hostile")).Order())
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(HostileFiles))]
    public void HostileWeightsGiveOneErrorLine(string name)
    {
        string weights = Path.Combine(TestPaths.Fixtures, "hostile", name);
        var run = Upscale("--weights", weights);
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.StartsWith("error: " + weights + ": ", run.Err);
        AssertNoStackTrace(run);
    }

    [Theory]
    [InlineData("d=999999999", "model option d=999999999 is not an integer from 1 to 4096")]
    [InlineData("d=8,s=4,m=2000000000", "model option m=2000000000 is not an integer from 1 to 4096")]
    [InlineData("d=4096,s=4096,m=1", "would have more than 100,000,000 parameters")]
    public void AbsurdOptionsGiveOneErrorLine(string options, string problem)
    {
        var run = Upscale("--weights", fx.Fsrcnn, "--options", options);
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.StartsWith("error: ", run.Err);
        Assert.Contains(problem, run.Err);
        AssertNoStackTrace(run);
    }

    private CliRun Upscale(params string[] extra)
    {
        string folder = fx.NewFolder("hostile");
        string input = CliFixtures.Write(folder, "in.png", CliFixtures.RandomImage(3));
        string[] args = ["upscale", input, "-o", Path.Combine(folder, "out.png"), "--device", "cpu", .. extra];
        var clock = Stopwatch.StartNew();
        var run = CliRun.Of(args);
        log.WriteLine($"superres {string.Join(' ', args)}\n{run}\n({clock.Elapsed.TotalSeconds:F1} s)");
        Assert.True(clock.Elapsed.TotalSeconds < 10, $"took {clock.Elapsed.TotalSeconds:F1} s");
        Assert.False(File.Exists(Path.Combine(folder, "out.png")), "an output image was written");
        return run;
    }

    private static void AssertNoStackTrace(CliRun run)
    {
        Assert.DoesNotContain("   at ", run.Err);
        Assert.DoesNotContain("Exception:", run.Err);
        Assert.Single(run.Err.TrimEnd().Split('\n'), line => line.StartsWith("error: "));
    }
}
