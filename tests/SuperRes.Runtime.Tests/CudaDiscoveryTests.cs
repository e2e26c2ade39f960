using System.Runtime.InteropServices;
using SuperRes.Runtime.Cuda;

namespace SuperRes.Runtime.Tests;

public sealed class CudaDiscoveryTests(ITestOutputHelper output)
{
    [Fact]
    public void Without_libcuda_discovery_reports_a_missing_driver_instead_of_crashing()
    {
        if (NativeLibrary.TryLoad("libcuda.so.1", out var handle))
        {
            NativeLibrary.Free(handle);
            output.WriteLine("SKIPPED: libcuda.so.1 is installed here, so the missing-driver path cannot be observed");
            return;
        }

        var error = Assert.Throws<NativeLibraryMissingException>(() => new CudaProvider().Discover());
        Assert.Contains("no CUDA driver found (libcuda.so.1)", error.Message);

        var problem = Assert.Single(Devices.Discover().Problems, p => p.Backend == BackendKind.Cuda);
        Assert.Contains("no CUDA driver found", problem.Reason);
        Assert.DoesNotContain(Devices.Discover().Devices, d => d.Backend == BackendKind.Cuda);
    }

    [Fact]
    public void Discovered_devices_are_described_completely()
    {
        IReadOnlyList<DeviceInfo> devices;
        try
        {
            devices = new CudaProvider().Discover();
        }
        catch (SuperResException e)
        {
            output.WriteLine($"SKIPPED: no CUDA device ({e.Message})");
            return;
        }
        foreach (var d in devices)
        {
            output.WriteLine($"{d.Id}: {d.Name}, {Bytes.Format(d.MemoryBytes)}, {d.ComputeUnits} SMs, driver {d.DriverVersion}, {d.ApiVersion}");
            Assert.Equal(BackendKind.Cuda, d.Backend);
            Assert.True(d.IsGpu);
            Assert.False(string.IsNullOrWhiteSpace(d.Name));
            Assert.True(d.MemoryBytes > 0);
            Assert.True(d.ComputeUnits > 0);
            Assert.Matches(@"^\d+\.\d+$", d.DriverVersion);
            Assert.Matches(@"^sm_\d{2,3}$", d.ApiVersion);
        }
    }

    [Fact]
    public void Status_names_come_from_the_headers()
    {
        var error = new NativeCallException("CUDA", "cuMemAlloc_v2", 2, CudaErrors.CudaName(2));
        Assert.Equal("CUDA call cuMemAlloc_v2 failed with CUDA_ERROR_OUT_OF_MEMORY (2)", error.Message);
        Assert.Equal("CUDA_ERROR_ILLEGAL_ADDRESS", CudaErrors.CudaName(700));
        Assert.Equal("CUDA_ERROR_LAUNCH_FAILED", CudaErrors.CudaName(719));
        Assert.Equal("CUDA_ERROR_UNSUPPORTED_PTX_VERSION", CudaErrors.CudaName(222));
        Assert.Equal("NVRTC_ERROR_COMPILATION", CudaErrors.NvrtcName(6));
        Assert.Equal("NVRTC_ERROR_INVALID_OPTION", CudaErrors.NvrtcName(5));
        Assert.Throws<NativeCallException>(() => CudaErrors.Check(101, "cuDeviceGet"));
        CudaErrors.Check(0, "cuInit");
    }

    [Fact]
    public void A_status_newer_than_the_tables_is_named_by_its_type_and_number()
    {
        // The driver refuses to name an unknown CUresult (and may be absent): the number stays.
        Assert.Equal("CUresult 54321", CudaErrors.CudaName(54321));
        // NVRTC, when present, names every value itself; without it the number stays.
        Assert.False(string.IsNullOrWhiteSpace(CudaErrors.NvrtcName(54321)));
        if (!NvrtcCompiler.IsAvailable)
            Assert.Equal("nvrtcResult 54321", CudaErrors.NvrtcName(54321));
    }
}
