using SuperRes.Runtime.Cpu;
using SuperRes.Runtime.Cuda;
using SuperRes.Runtime.OpenCL;
using Xunit.Abstractions;

namespace SuperRes.TestSupport;

/// <summary>
/// The devices tests run on. CI installs PoCL, so there (<see cref="OnCi"/>) a missing OpenCL device fails the
/// test; elsewhere the test writes a SKIPPED line saying why and returns early (xunit 2 cannot skip at run time).
/// CI machines have no GPU: a missing CUDA device never fails a test.
/// </summary>
public static class TestDevices
{
    /// <summary>The platform name of PoCL, the OpenCL CPU driver CI installs; preferred when several OpenCL devices exist.</summary>
    public const string PoclPlatform = "Portable Computing Language";

    private static readonly Lazy<Device> SharedCpu = new(() => new CpuDevice());
    private static readonly Lazy<(Device? Device, string Reason)> SharedOpenCl = new(() =>
    {
        var (info, reason) = DiscoverOpenCl();
        return (info is null ? null : Devices.Open(info.Id), reason);
    });

    /// <summary><c>CI=true</c> (or <c>1</c>), as CI systems set it.</summary>
    public static bool OnCi =>
        Environment.GetEnvironmentVariable("CI") is { } ci && (ci.Equals("true", StringComparison.OrdinalIgnoreCase) || ci == "1");

    /// <summary>One Cpu device shared by the tests of an assembly.</summary>
    public static Device Cpu => SharedCpu.Value;

    /// <summary>A Cpu device of the test's own (cheap), for tests that run in parallel or measure memory.</summary>
    public static Device NewCpu() => new CpuDevice();

    /// <summary>Runs <paramref name="test"/> on a Cpu device of its own, disposed afterwards.</summary>
    public static void OnNewCpu(Action<Device> test)
    {
        using var device = NewCpu();
        test(device);
    }

    /// <summary>The shared OpenCL device, or null (with a SKIPPED line written) when there is none and this is not CI.</summary>
    public static Device? OpenCl(ITestOutputHelper output)
    {
        var (device, reason) = SharedOpenCl.Value;
        return device ?? NoOpenCl<Device>(output, reason);
    }

    /// <summary>The OpenCL device to test on (PoCL when present), or null (with a SKIPPED line written) off CI.</summary>
    public static DeviceInfo? OpenClInfo(ITestOutputHelper output)
    {
        var (info, reason) = DiscoverOpenCl();
        return info ?? NoOpenCl<DeviceInfo>(output, reason);
    }

    /// <summary>A fresh OpenCL device of the test's own (optionally with a memory cap), or null as <see cref="OpenClInfo"/>.</summary>
    public static OpenClDevice? NewOpenCl(ITestOutputHelper output, long? memoryCapBytes = null) =>
        OpenClInfo(output) is { } info ? (OpenClDevice)new OpenClProvider().Open(info, memoryCapBytes) : null;

    /// <summary>A fresh OpenCL device for an <see cref="OpenClFactAttribute"/> test (which runs only where there is one, and always on CI).</summary>
    public static OpenClDevice RequireOpenCl(long? memoryCapBytes = null) =>
        (OpenClDevice)new OpenClProvider().Open(RequireOpenClInfo(), memoryCapBytes);

    /// <summary>The OpenCL device an <see cref="OpenClFactAttribute"/> test runs on; fails the test when there is none.</summary>
    public static DeviceInfo RequireOpenClInfo()
    {
        var (info, reason) = DiscoverOpenCl();
        return info ?? throw new Xunit.Sdk.XunitException($"no OpenCL device ({reason}); CI must have one (PoCL)");
    }

    /// <summary>A fresh device on the first CUDA GPU for a <see cref="CudaFactAttribute"/> test.</summary>
    public static CudaDevice RequireCuda(long? memoryCapBytes = null)
    {
        var provider = new CudaProvider();
        return (CudaDevice)provider.Open(provider.Discover()[0], memoryCapBytes);
    }

    /// <summary>Why there is no CUDA device here, or null when there is one.</summary>
    public static string? CudaMissingReason() => CudaMissing.Value;

    private static readonly Lazy<string?> CudaMissing = new(() =>
    {
        try
        {
            return new CudaProvider().Discover().Count > 0 ? null : "the driver reports no devices";
        }
        catch (SuperResException e)
        {
            return e.Message;
        }
    });

    /// <summary>A fresh device on the first CUDA GPU, or null with a SKIPPED line (on CI too: it has no GPU).</summary>
    public static CudaDevice? Cuda(ITestOutputHelper output, long? memoryCapBytes = null)
    {
        string reason;
        try
        {
            var provider = new CudaProvider();
            var devices = provider.Discover();
            if (devices.Count > 0)
                return (CudaDevice)provider.Open(devices[0], memoryCapBytes);
            reason = "the driver reports no devices";
        }
        catch (SuperResException e)
        {
            reason = e.Message;
        }
        output.WriteLine($"SKIPPED: no CUDA device ({reason})");
        return null;
    }

    /// <summary>"cpu" or "opencl" (theory data) → the shared device, or null when OpenCL is absent off CI.</summary>
    public static Device? ByName(string name, ITestOutputHelper output) => name switch
    {
        "cpu" => Cpu,
        "opencl" => OpenCl(output),
        _ => throw new ArgumentException($"unknown test device '{name}'"),
    };

    /// <summary>Why there is no OpenCL device here, or null when there is one.</summary>
    public static string? OpenClMissingReason()
    {
        var (info, reason) = DiscoverOpenCl();
        return info is null ? reason : null;
    }

    private static (DeviceInfo? Info, string Reason) DiscoverOpenCl()
    {
        var found = Devices.Discover();
        var devices = found.Devices.Where(d => d.Backend == BackendKind.OpenCL).ToList();
        var device = devices.FirstOrDefault(d => d.Name.Contains(PoclPlatform, StringComparison.Ordinal)) ?? devices.FirstOrDefault();
        return (device, string.Join("; ", found.Problems.Where(p => p.Backend == BackendKind.OpenCL).Select(p => p.Reason)));
    }

    private static T? NoOpenCl<T>(ITestOutputHelper output, string reason) where T : class
    {
        if (OnCi)
            Assert.Fail($"CI must have an OpenCL device (PoCL): {reason}");
        output.WriteLine($"SKIPPED: no OpenCL device ({reason}); install pocl-opencl-icd to run it");
        return null;
    }
}
