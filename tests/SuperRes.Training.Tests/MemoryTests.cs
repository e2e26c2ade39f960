using Xunit.Abstractions;

namespace SuperRes.Training.Tests;

/// <summary>
/// Device memory in use is flat across iterations (the tape frees intermediates, batches and losses are disposed,
/// gradients are cleared by the optimiser) and returns to where it was once the trainer is disposed.
/// </summary>
public sealed class MemoryTests(ITestOutputHelper output)
{
    [Fact]
    public void InUseIsFlatOnCpu() =>
        TestDevices.OnNewCpu(device => InUseIsFlat(device, output));

    internal static void InUseIsFlat(Device device, ITestOutputHelper output)
    {
        using var dir = new TempDir("memory");
        var data = TinyData.Create(dir.Sub("data"));
        long before = device.Memory.InUseBytes;
        var inUse = new List<long>();
        using (var trainer = Trainer.Create(device, TinyData.Options("edsr-baseline", 2, "blocks=1,features=8", data, dir.Sub("out"), 8) with { ClipGradNorm = 10f, SaveEvery = 3 }))
        {
            trainer.Run(observer: new Recorder(_ => inUse.Add(device.Memory.InUseBytes)));
        }
        output.WriteLine($"{device.Info.Id}: in use before {before} B, per iteration {string.Join(", ", inUse)} B, after {device.Memory.InUseBytes} B");
        // From the first step on, the only lasting allocations are the parameters and Adam's moments.
        Assert.All(inUse, bytes => Assert.Equal(inUse[0], bytes));
        Assert.Equal(before, device.Memory.InUseBytes);
    }
}
