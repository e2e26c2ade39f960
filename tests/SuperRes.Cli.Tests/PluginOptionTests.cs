using SuperRes.Imaging;
using SuperRes.Models.Modules;
using SuperRes.Models.Networks;
using SuperRes.Models.Weights;
using SuperRes.Runtime.Cpu;

namespace SuperRes.Cli.Tests;

/// <summary>
/// <c>--plugin</c>: the example plugin's networks (tests/SuperRes.ExamplePlugin, docs/porting.md) are listed by
/// <c>superres models</c> and run by <c>superres upscale --model</c>; the one with global pooling warns when tiled.
/// </summary>
public sealed class PluginOptionTests : IClassFixture<CliFixtures>
{
    private static readonly string Plugin = Path.Combine(AppContext.BaseDirectory, "SuperRes.ExamplePlugin.dll");

    private readonly CliFixtures _fx;

    public PluginOptionTests(CliFixtures fx) => _fx = fx;

    /// <summary>Random-initialised weights of a plugin network, as a PyTorch checkpoint (so --model is needed).</summary>
    private string Weights(string model)
    {
        ModelPlugins.Load(Plugin);
        string path = Path.Combine(_fx.NewFolder("weights"), model + ".pt");
        using var device = new CpuDevice();
        Init.Seed(4);
        using var network = ModelZoo.Create(device, model, 2, ModelOptions.Parse("features=8"));
        NetworkWeights.SavePyTorch(network, path);
        return path;
    }

    [Fact]
    public void Models_lists_the_plugin_networks()
    {
        var run = CliRun.Of("models", "--plugin", Plugin);
        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Out.Split('\n');
        Assert.Contains(lines, l => l.Contains("tiny-conv ", StringComparison.Ordinal) && l.Contains("exact", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("tiny-attention", StringComparison.Ordinal) && l.Contains("approx.", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("rcan", StringComparison.Ordinal) && l.Contains("approx.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("tiny-conv", false)]
    [InlineData("tiny-attention", true)]
    public void Upscale_runs_a_plugin_network_and_warns_only_where_tiling_is_inexact(string model, bool warns)
    {
        string weights = Weights(model);
        string input = Path.Combine(_fx.NewFolder("in"), "rgb.png");
        CliFixtures.Write(Path.GetDirectoryName(input)!, "rgb.png", CliFixtures.RandomImage(3));
        string output = Path.Combine(_fx.NewFolder("out"), "rgb_x2.png");

        var run = CliRun.Of("upscale", input, "-o", output, "--plugin", Plugin, "--model", model, "--scale", "2",
            "--weights", weights, "--options", "features=8", "--device", "cpu", "--tile", "6");

        Assert.True(run.ExitCode == 0, run.ToString());
        var result = ImageCodec.Read(output);
        Assert.Equal((34, 26), (result.Width, result.Height));
        Assert.Equal(warns, run.Err.Contains("does not tile exactly", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_plugin_is_one_error_line_naming_it()
    {
        var run = CliRun.Of("models", "--plugin", "no/such/plugin.dll");
        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Contains("error: plugin no/such/plugin.dll: no such file", run.Err);
        Assert.DoesNotContain("   at ", run.Err);
    }
}
