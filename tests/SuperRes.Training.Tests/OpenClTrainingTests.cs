using Xunit.Abstractions;

namespace SuperRes.Training.Tests;

/// <summary>Training on the OpenCL device (PoCL on CI): the fused Adam kernel against PyTorch, a loss that decreases, a bit-exact resume.</summary>
[Collection("devices")]
public sealed class OpenClTrainingTests(ITestOutputHelper output)
{
    [Fact]
    public void AdamMatchesTorch()
    {
        var device = TestDevices.OpenCl(output);
        if (device is null)
            return;
        foreach (var name in AdamFixtureTests.Names())
            AdamFixtureTests.Run(device, name, output);
    }

    [Fact]
    public void EdsrLossDecreases()
    {
        var device = TestDevices.OpenCl(output);
        if (device is null)
            return;
        ZooTrainingTests.ReducesLoss(device, "edsr-baseline", output);
    }

    /// <summary>With gradient clipping (the norm reduced on the device) and weight decay.</summary>
    [Fact]
    public void EdsrResumesBitExact()
    {
        var device = TestDevices.OpenCl(output);
        if (device is null)
            return;
        ResumeTests.ResumeIsBitExact(device, "edsr-baseline", 2, "blocks=1,features=8", output,
            o => o with { ClipGradNorm = 50f, WeightDecay = 1e-4 });
    }

    [Fact]
    public void DeviceMemoryDoesNotGrow()
    {
        var device = TestDevices.OpenCl(output);
        if (device is null)
            return;
        MemoryTests.InUseIsFlat(device, output);
    }
}
