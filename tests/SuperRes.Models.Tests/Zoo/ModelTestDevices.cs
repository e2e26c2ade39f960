using SuperRes.Runtime;
using SuperRes.Runtime.Cpu;
using Xunit.Abstractions;

namespace SuperRes.Models.Tests.Zoo;

/// <summary>
/// Devices shared by the network tests. The OpenCL device is required on CI (CI=true, where PoCL is
/// installed); elsewhere tests that need it return early and say so in their output.
/// </summary>
public static class ModelTestDevices
{
    private static readonly Lazy<Device> CpuDevice = new(() => new CpuDevice());
    private static readonly Lazy<(Device? Device, string Reason)> OpenClDevice = new(OpenOpenCl);

    public static Device Cpu => CpuDevice.Value;

    public static bool OnCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The OpenCL device, or null (with a message written) when there is none and this is not CI.</summary>
    public static Device? OpenCl(ITestOutputHelper output)
    {
        var (device, reason) = OpenClDevice.Value;
        if (device is not null)
            return device;
        if (OnCi)
            Assert.Fail($"CI must have an OpenCL device (PoCL): {reason}");
        output.WriteLine($"SKIPPED: no OpenCL device ({reason})");
        return null;
    }

    /// <summary>"cpu" or "opencl" (theory data) → the device, or null when OpenCL is absent off CI.</summary>
    public static Device? ByName(string name, ITestOutputHelper output) => name switch
    {
        "cpu" => Cpu,
        "opencl" => OpenCl(output),
        _ => throw new ArgumentException($"unknown test device '{name}'"),
    };

    private static (Device?, string) OpenOpenCl()
    {
        var found = Devices.Discover();
        var info = found.Devices.FirstOrDefault(d => d.Backend == BackendKind.OpenCL);
        if (info is null)
            return (null, string.Join("; ", found.Problems.Where(p => p.Backend == BackendKind.OpenCL).Select(p => p.Reason)));
        return (Devices.Open(info.Id), "");
    }
}

/// <summary>
/// The network tests share devices and build large networks: they run one at a time (and not beside each
/// other's memory peaks).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NetworkCollection
{
    public const string Name = "networks";
}
