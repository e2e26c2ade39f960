namespace SuperRes.Cli.Tests;

/// <summary><c>superres train</c> end to end, in process: the run folder, the summary, resume, the NaN guard's exit code.</summary>
public sealed class TrainCommandTests
{
    private static string[] Train(string data, string run, params string[] extra) =>
    [
        "train", "--model", "fsrcnn", "--scale", "2", "--options", "d=8,s=4,m=1", "--data", data, "--out", run,
        "--batch", "2", "--patch", "8", "--lr", "1e-3", "--device", "cpu", "--log-every", "1", .. extra,
    ];

    [Fact]
    public void TrainsValidatesResumesAndUpscales()
    {
        using var dir = new TempDir("cli");
        var data = TestImages.WriteSmooth(dir.Sub("data"), count: 3);
        var run = dir.Sub("run");

        var first = CliRun.Of(Train(data, run, "--iters", "3", "--val", data, "--val-every", "2", "--save-every", "2"));
        first.AssertExit(0);
        Assert.Contains("training data: 3 images", first.Out);
        Assert.Contains("validation at iteration 2", first.Out);
        Assert.Contains("iter 3/3", first.Out);  // plain progress lines when not on a terminal
        Assert.Contains("iterations/s", first.Out);
        Assert.Contains("data wait", first.Out);
        Assert.Contains("best validation PSNR", first.Out);
        foreach (var file in new[] { "last.ckpt", "last.ckpt.prev", "best.safetensors", "final.safetensors", "metrics.csv", "curves.svg" })
            Assert.True(File.Exists(Path.Combine(run, file)), file);

        // Without --resume the run folder is not overwritten.
        var again = CliRun.Of(Train(data, run, "--iters", "5"));
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("--resume", again.Err);

        var resumed = CliRun.Of(Train(data, run, "--iters", "5", "--resume"));
        resumed.AssertExit(0);
        Assert.Contains("resumed from", resumed.Out);
        Assert.Contains("iterations 3 → 5", resumed.Out);

        // The best weights are a plain weights file for `superres upscale`.
        var sr = Path.Combine(dir.Path, "sr.png");
        var up = CliRun.Of("upscale", Path.Combine(data, "img00.png"), "-o", sr, "--weights", Path.Combine(run, "best.safetensors"), "--device", "cpu");
        up.AssertExit(0);
        Assert.True(File.Exists(sr));
    }

    [Fact]
    public void DivergenceExitsWithOneNamingTheIteration()
    {
        using var dir = new TempDir("cli-nan");
        var data = TestImages.WriteSmooth(dir.Sub("data"), count: 2);
        var result = CliRun.Of(["train", "--model", "edsr-baseline", "--scale", "2", "--options", "blocks=1,features=8", "--data", data, "--out", dir.Sub("run"),
            "--batch", "2", "--patch", "8", "--lr", "1e30", "--iters", "40", "--save-every", "1", "--device", "cpu"]);
        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"error: training diverged: .* at iteration \d+", result.Err);
    }

    [Fact]
    public void BadArgumentsAreUsageErrors()
    {
        Assert.Equal(2, CliRun.Of("train", "--model", "fsrcnn").ExitCode);
        using var dir = new TempDir("cli-bad");
        var result = CliRun.Of(["train", "--model", "fsrcnn", "--scale", "2", "--data", dir.Path, "--out", dir.Sub("run"), "--schedule", "linear", "--device", "cpu"]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("schedule", result.Err);
    }
}
