using BenchmarkDotNet.Attributes;
using SuperRes.Runtime;
using SuperRes.Tensors.Verification;

namespace SuperRes.Benchmarks;

/// <summary>
/// Every op benchmark case declared in the op folders (src/SuperRes.Tensors/Ops/*/…Benchmarks.cs) on every device
/// of the machine. Each iteration waits for the device, so a time is the kernel's (plus one launch and one sync).
///   dotnet run -c Release --project benchmarks/SuperRes.Benchmarks -- --filter '*OpSuite*'
/// </summary>
public class OpSuiteBenchmarks
{
    private Device _device = null!;
    private OpBenchmark _case = null!;

    public static IEnumerable<string> DeviceIds => BenchmarkDevices.Ids;

    public static IEnumerable<string> CaseNames => OpBenchmarks.All.Select(b => b.Name);

    [ParamsSource(nameof(DeviceIds))]
    public string Device { get; set; } = "";

    [ParamsSource(nameof(CaseNames))]
    public string Case { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _device = BenchmarkDevices.Open(Device);
        _case = OpBenchmarks.All.Single(b => b.Name == Case);
        _case.Setup(_device);
        Op(); // builds the kernels before measuring
    }

    [Benchmark]
    public void Op()
    {
        _case.Run();
        _device.Synchronize();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _case.Dispose();
        _device.Dispose();
    }
}
