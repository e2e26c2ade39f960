namespace SuperRes.Cli.Tests;

/// <summary><c>superres train --model srgan</c> end to end: a tiny adversarial run from SRResNet weights, resume, and argument errors.</summary>
public sealed class GanTrainCommandTests
{
    private static string[] Train(string model, string data, string run, params string[] extra) =>
    [
        "train", "--model", model, "--scale", "2", "--options", "blocks=1,features=8", "--data", data, "--out", run,
        "--batch", "2", "--patch", "8", "--lr", "1e-3", "--device", "cpu", "--log-every", "1", .. extra,
    ];

    [Fact]
    public void FineTunesSrResNetAdversariallyAndResumes()
    {
        using var dir = new TempDir("cli-gan");
        var data = TestImages.WriteSmooth(dir.Sub("data"), count: 3);
        var pretrain = dir.Sub("srresnet");
        CliRun.Of(Train("srresnet", data, pretrain, "--iters", "2", "--loss", "mse")).AssertExit(0);

        var run = dir.Sub("srgan");
        var gan = CliRun.Of(Train("srgan", data, run, "--iters", "2", "--init-from", Path.Combine(pretrain, "final.safetensors"),
            "--d-options", "features=4,hidden=8", "--adv-weight", "1e-2", "--val", data, "--val-every", "2"));
        gan.AssertExit(0);
        Assert.Contains("initialised from", gan.Out);
        Assert.Contains("discriminator (features=4,hidden=8)", gan.Out);
        Assert.Contains("D(HR)", gan.Out);
        Assert.Contains("validation at iteration 2", gan.Out);
        Assert.Contains("content_loss,adversarial_loss,d_loss,d_real,d_fake", File.ReadAllText(Path.Combine(run, "metrics.csv")));

        var resumed = CliRun.Of(Train("srgan", data, run, "--iters", "3", "--resume"));
        resumed.AssertExit(0);
        Assert.Contains("iterations 2 → 3", resumed.Out);

        // The generator's weights are plain srresnet weights for `superres upscale`.
        var sr = Path.Combine(dir.Path, "sr.png");
        CliRun.Of("upscale", Path.Combine(data, "img00.png"), "-o", sr, "--weights", Path.Combine(run, "final.safetensors"), "--device", "cpu").AssertExit(0);
        Assert.True(File.Exists(sr));
    }

    /// <summary>The VGG19 content loss (φ5,4) from a torchvision-layout checkpoint with 1/16 of the widths (tests/fixtures/srgan).</summary>
    [Fact]
    public void TrainsWithTheVggContentLoss()
    {
        using var dir = new TempDir("cli-gan-vgg");
        var data = TestImages.WriteSmooth(dir.Sub("data"), count: 2);
        var vgg = Path.Combine(TestPaths.RepoRoot, "tests", "fixtures", "srgan", "vgg19_tiny_zip.pt");
        var run = dir.Sub("run");
        var result = CliRun.Of(Train("srgan", data, run, "--iters", "2", "--content", "vgg54", "--vgg-weights", vgg, "--d-options", "features=4,hidden=8"));
        result.AssertExit(0);
        Assert.Contains("generator loss 1·vgg54 + 0.001·BCE(D(SR), 1)", result.Out);
        var checkpoint = SuperRes.Training.Checkpoint.Load(Path.Combine(run, "last.ckpt"));
        Assert.Equal("vgg54", checkpoint.Metadata["content"]);
        Assert.Equal(Path.GetFullPath(vgg), checkpoint.Metadata["vgg_weights"]);
    }

    [Theory]
    [InlineData("srgan", "--content vgg54", "needs --vgg-weights")]
    [InlineData("srgan", "--content pixels", "--content 'pixels'")]
    [InlineData("srgan", "--loss l1", "--loss is not used by --model srgan")]
    [InlineData("srgan", "--adv-weight -1", "--adv-weight -1")]
    [InlineData("srgan", "--content vgg54 --vgg-weights /nonexistent/vgg19.pth", "/nonexistent/vgg19.pth")]
    [InlineData("srgan", "--grad-slices 2", "no --distributed or --grad-slices")]
    [InlineData("srresnet", "--adv-weight 0.01", "--adv-weight: only for adversarial training (--model srgan)")]
    [InlineData("fsrcnn", "--content l1", "--content: only for adversarial training")]
    public void BadArgumentsAreOneLineErrors(string model, string extra, string expected)
    {
        using var dir = new TempDir("cli-gan-bad");
        var data = TestImages.WriteSmooth(dir.Sub("data"), count: 1);
        var result = CliRun.Of(Train(model, data, dir.Sub("run"), [.. extra.Split(' '), "--iters", "1"]));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(expected, result.Err);
        Assert.DoesNotContain("   at ", result.Err);
    }
}
