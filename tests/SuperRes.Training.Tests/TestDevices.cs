using SuperRes.Runtime.Cpu;
using Xunit.Abstractions;

namespace SuperRes.Training.Tests;

/// <summary>
/// The OpenCL device shared by the tests of this assembly (one thread drives it: its tests are in the "devices"
/// collection). Required on CI (where .ci/run installs PoCL); elsewhere tests that need it return early and say so.
/// Cpu devices are cheap and made per test, so Cpu tests run in parallel.
/// </summary>
public static class TestDevices
{
    private static readonly Lazy<(Device? Device, string Reason)> OpenClDevice = new(OpenOpenCl);

    public static Device NewCpu() => new CpuDevice();

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

    private static (Device?, string) OpenOpenCl()
    {
        var found = Devices.Discover();
        var info = found.Devices.FirstOrDefault(d => d.Backend == BackendKind.OpenCL);
        if (info is null)
            return (null, string.Join("; ", found.Problems.Where(p => p.Backend == BackendKind.OpenCL).Select(p => p.Reason)));
        return (Devices.Open(info.Id), "");
    }
}

/// <summary>Tests that drive the shared OpenCL device run one at a time.</summary>
[CollectionDefinition("devices", DisableParallelization = true)]
public sealed class DeviceCollection;
