using SuperRes.Runtime;

namespace SuperRes.Benchmarks;

/// <summary>
/// The backends a benchmark runs on: every device this machine has (Cpu, each OpenCL device, each CUDA
/// device). Use as <c>[ParamsSource(nameof(BenchmarkDevices.Ids), ...)]</c> through a property on the class.
/// </summary>
public static class BenchmarkDevices
{
    public static IEnumerable<string> Ids => Devices.Discover().Devices.Select(d => d.Id);

    /// <summary>Opens a device for a benchmark class; the caller disposes it in [GlobalCleanup].</summary>
    public static Device Open(string id) => Devices.Open(id);
}
