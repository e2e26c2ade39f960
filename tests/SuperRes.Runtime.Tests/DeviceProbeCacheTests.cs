namespace SuperRes.Runtime.Tests;

/// <summary>
/// <c>auto</c> reuses a cached "no GPU" probe without starting any driver, and probes again when the key changes,
/// the file is damaged, a GPU was found, or <c>superres devices</c> asks (<see cref="Devices.ProbeAndRecord"/>).
/// </summary>
public sealed class DeviceProbeCacheTests : IDisposable
{
    private static DeviceInfo Info(BackendKind backend, int index, bool gpu) =>
        new(backend, index, $"{backend}{index}", 1L << 30, 2, "1", "1", gpu);

    private static readonly DiscoveryResult NoGpu = new(
        [Cpu.CpuProvider.Info, Info(BackendKind.OpenCL, 0, gpu: false)],
        [new BackendProblem(BackendKind.Cuda, "no CUDA driver found (libcuda.so.1)", LibraryMissing: true)]);

    private static readonly DiscoveryResult WithGpu = new([Cpu.CpuProvider.Info, Info(BackendKind.OpenCL, 0, gpu: true)], []);

    private readonly string _directory = Directory.CreateTempSubdirectory("superres-probe-").FullName;
    private string _key = "key 1";
    private int _probes;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private DeviceProbeCache Cache => new(_directory, () => _key);

    private Func<DiscoveryResult> Probe(DiscoveryResult answer) => () => { _probes++; return answer; };

    [Fact]
    public void ASecondRunWithoutAGpuTakesCpuFromTheCacheWithoutProbing()
    {
        var first = Devices.ChooseAuto(Cache, Probe(NoGpu));
        var second = Devices.ChooseAuto(Cache, Probe(NoGpu));
        Assert.Equal(1, _probes);
        Assert.False(first.FromCachedProbe);
        Assert.True(second.FromCachedProbe);
        Assert.Equal("cpu", second.Device.Id);
        Assert.Contains("cached device probe", second.Reason);
        Assert.Contains("superres devices", second.Reason);
    }

    [Fact]
    public void AChangedKeyProbesAgain()
    {
        Devices.ChooseAuto(Cache, Probe(NoGpu));
        _key = "key 2";
        var choice = Devices.ChooseAuto(Cache, Probe(WithGpu));
        Assert.Equal(2, _probes);
        Assert.Equal("opencl:0", choice.Device.Id);
    }

    [Fact]
    public void AFoundGpuIsProbedForEveryRun()
    {
        Devices.ChooseAuto(Cache, Probe(WithGpu));
        var choice = Devices.ChooseAuto(Cache, Probe(WithGpu));
        Assert.Equal(2, _probes);
        Assert.False(choice.FromCachedProbe);
        Assert.True(choice.Device.IsGpu);
    }

    [Fact]
    public void ABackendThatFailedForAnotherReasonIsNotCachedAsNoGpu()
    {
        var failed = new DiscoveryResult([Cpu.CpuProvider.Info], [new BackendProblem(BackendKind.Cuda, "cuInit failed: CUDA_ERROR_UNKNOWN")]);
        Devices.ChooseAuto(Cache, Probe(failed));
        Assert.False(Devices.ChooseAuto(Cache, Probe(failed)).FromCachedProbe);
        Assert.Equal(2, _probes);
    }

    [Fact]
    public void ACorruptFileWarnsProbesAgainAndIsRewritten()
    {
        Devices.ChooseAuto(Cache, Probe(NoGpu));
        File.WriteAllText(Cache.Path!, "{ not json");
        var warnings = new List<string>();
        var choice = Devices.ChooseAuto(Cache, Probe(NoGpu), warnings.Add);
        Assert.False(choice.FromCachedProbe);
        Assert.Equal(2, _probes);
        Assert.Contains(Cache.Path!, Assert.Single(warnings));
        Assert.True(Devices.ChooseAuto(Cache, Probe(NoGpu), warnings.Add).FromCachedProbe);
        Assert.Single(warnings);
    }

    [Fact]
    public void ProbeAndRecordAlwaysProbesAndReplacesTheCachedAnswer()
    {
        Devices.ChooseAuto(Cache, Probe(NoGpu));
        Devices.ProbeAndRecord(Cache, Probe(WithGpu));
        Assert.Equal(2, _probes);
        var choice = Devices.ChooseAuto(Cache, Probe(WithGpu));
        Assert.Equal(3, _probes);
        Assert.True(choice.Device.IsGpu);
    }

    [Fact]
    public void NoCacheDirectoryMeansAProbeEveryRun()
    {
        var none = new DeviceProbeCache(null, () => _key);
        Devices.ChooseAuto(none, Probe(NoGpu));
        Assert.False(Devices.ChooseAuto(none, Probe(NoGpu)).FromCachedProbe);
        Assert.Equal(2, _probes);
    }
}
