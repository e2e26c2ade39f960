using SuperRes.Imaging;
using SuperRes.Models.Networks;
using SuperRes.Models.Weights;
using SuperRes.Runtime.Cpu;

namespace SuperRes.Cli.Tests;

/// <summary>The weights in weights/ load, and `upscale` without --weights uses the shipped default of the scale.</summary>
public sealed class ShippedWeightsTests(CliFixtures fx) : IClassFixture<CliFixtures>
{
    public static TheoryData<int> Scales() => new(2, 3, 4);

    [Theory]
    [MemberData(nameof(Scales))]
    public void EveryScaleHasADefaultThatLoadsWithoutFlags(int scale)
    {
        var path = ShippedWeights.DefaultFor(scale);
        Assert.True(path is not null, $"no shipped default for x{scale} in {ShippedWeights.Directory}");
        using var device = new CpuDevice();
        var (network, report) = NetworkWeights.Load(device, path!);
        using (network)
        {
            Assert.True(report.IsComplete, report.Describe());
            Assert.Equal(scale, network.Scale);
        }
    }

    [Fact]
    public void UpscaleWithNoNetworkFlagsUsesTheShippedDefault()
    {
        var input = Path.Combine(fx.NewFolder("shipped"), "photo.png");
        CliFixtures.Write(Path.GetDirectoryName(input)!, "photo.png", CliFixtures.RandomImage(3));
        var output = Path.Combine(Path.GetDirectoryName(input)!, "big.png");

        var run = CliRun.Of("upscale", input, "-o", output, "--device", "cpu");

        run.AssertExit(0);
        var result = ImageCodec.Read(output);
        Assert.Equal((17 * 4, 13 * 4, 3), (result.Width, result.Height, result.Channels));
    }
}
