namespace SuperRes.Runtime.Tests;

/// <summary>`--device auto`: GPUs first, then the C# backend, and an OpenCL CPU device never before it.</summary>
public sealed class AutoDeviceRankingTests
{
    private static DeviceInfo Info(BackendKind backend, int index, bool gpu) =>
        new(backend, index, $"{backend}{index}", 1L << 30, 2, "1", "1", gpu);

    private static readonly DeviceInfo Cpu = Info(BackendKind.Cpu, 0, gpu: false);
    private static readonly DeviceInfo OpenClCpu = Info(BackendKind.OpenCL, 0, gpu: false);
    private static readonly DeviceInfo OpenClGpu = Info(BackendKind.OpenCL, 1, gpu: true);
    private static readonly DeviceInfo Cuda = Info(BackendKind.Cuda, 0, gpu: true);

    private static string[] Order(params DeviceInfo[] devices) =>
        Devices.Ranking(new DiscoveryResult(devices, [])).Select(r => r.Device.Id).ToArray();

    [Fact]
    public void CpuBackendComesBeforeAnOpenClCpuDevice() =>
        Assert.Equal(["cpu", "opencl:0"], Order(OpenClCpu, Cpu));

    [Fact]
    public void GpusComeFirstCudaBeforeOpenCl() =>
        Assert.Equal(["cuda:0", "opencl:1", "cpu", "opencl:0"], Order(Cpu, OpenClCpu, OpenClGpu, Cuda));

    [Fact]
    public void EveryPlaceHasAReason() =>
        Assert.All(Devices.Ranking(new DiscoveryResult([Cpu, OpenClCpu, Cuda], [])), r => Assert.False(string.IsNullOrWhiteSpace(r.Reason)));

    [Fact]
    public void AutoOnThisMachineIsTheFirstRankedDevice() =>
        Assert.Equal(Devices.Ranking()[0].Device, Devices.Resolve("auto"));
}
