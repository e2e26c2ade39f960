using SuperRes.Runtime.OpenCL;

namespace SuperRes.Runtime.Tests;

public sealed class OpenClDiscoveryTests(ITestOutputHelper output)
{
    [OpenClFact]
    public void Discovery_lists_the_pocl_device_with_its_properties()
    {
        var found = Devices.Discover();
        var openCl = found.Devices.Where(d => d.Backend == BackendKind.OpenCL).ToList();
        foreach (var d in openCl)
            output.WriteLine($"{d.Id}: {d.Name}, {Bytes.Format(d.MemoryBytes)}, {d.ComputeUnits} CUs, driver {d.DriverVersion}, {d.ApiVersion}, gpu={d.IsGpu}");

        if (TestDevices.OnCi)
            Assert.Contains(openCl, d => d.Name.Contains(TestDevices.PoclPlatform, StringComparison.Ordinal));
        Assert.Equal(Enumerable.Range(0, openCl.Count), openCl.Select(d => d.Index));
        foreach (var d in openCl)
        {
            Assert.Equal($"opencl:{d.Index}", d.Id);
            Assert.EndsWith(")", d.Name);
            Assert.True(d.MemoryBytes > 0);
            Assert.True(d.ComputeUnits > 0);
            Assert.StartsWith("OpenCL ", d.ApiVersion);
            Assert.False(string.IsNullOrWhiteSpace(d.DriverVersion));
        }
        var pocl = openCl.FirstOrDefault(d => d.Name.Contains(TestDevices.PoclPlatform, StringComparison.Ordinal));
        if (pocl is not null)
            Assert.False(pocl.IsGpu);
    }

    [OpenClFact]
    public void Discovery_order_is_stable()
    {
        var provider = new OpenClProvider();
        Assert.Equal(provider.Discover(), provider.Discover());
    }

    [OpenClFact]
    public void Opened_device_reports_limits()
    {
        using var device = TestDevices.RequireOpenCl();
        Assert.Equal(BackendKind.OpenCL, device.Backend);
        Assert.True(device.MaxWorkGroupSize >= 1);
        Assert.True(device.LocalMemoryBytes > 0);
        Assert.True(device.MaxAllocationBytes > 0);
        Assert.Equal(device.Info.MemoryBytes, device.Memory.CapBytes);
        long before = device.FreeMemoryBytes;
        using var buffer = device.Allocate(1024);
        Assert.Equal(before - buffer.Block.SizeBytes, device.FreeMemoryBytes);
    }

    [OpenClFact]
    public void Devices_Open_resolves_an_opencl_id()
    {
        var info = TestDevices.RequireOpenClInfo();
        using var device = Devices.Open(info.Id, 64L << 20);
        Assert.IsType<OpenClDevice>(device);
        Assert.Equal(info, device.Info);
        Assert.Equal(64L << 20, device.Memory.CapBytes);
    }

    [OpenClFact]
    public void Dispose_twice_is_harmless_and_use_after_dispose_is_a_clear_error()
    {
        var device = TestDevices.RequireOpenCl();
        var buffer = device.Upload([1f, 2f, 3f]);
        device.GetKernel("elementwise.cl", "fill");
        buffer.Dispose();
        device.Dispose();
        device.Dispose();
        Assert.Throws<ObjectDisposedException>(() => device.Allocate(4));
        Assert.Throws<ObjectDisposedException>(device.Synchronize);
    }

    [Theory]
    [InlineData(0, "CL_SUCCESS")]
    [InlineData(-4, "CL_MEM_OBJECT_ALLOCATION_FAILURE")]
    [InlineData(-5, "CL_OUT_OF_RESOURCES")]
    [InlineData(-11, "CL_BUILD_PROGRAM_FAILURE")]
    [InlineData(-30, "CL_INVALID_VALUE")]
    [InlineData(-54, "CL_INVALID_WORK_GROUP_SIZE")]
    [InlineData(-61, "CL_INVALID_BUFFER_SIZE")]
    [InlineData(-72, "CL_MAX_SIZE_RESTRICTION_EXCEEDED")]
    [InlineData(-1001, "CL_PLATFORM_NOT_FOUND_KHR")]
    [InlineData(-12345, "CL_UNKNOWN_ERROR")]
    public void Status_codes_have_their_header_names(int status, string name) =>
        Assert.Equal(name, OpenClErrors.Name(status));

    [Fact]
    public void Every_core_status_from_0_to_minus_72_is_named_except_the_unassigned_gap()
    {
        for (int status = 0; status >= -72; status--)
        {
            bool unassigned = status is <= -20 and >= -29;
            Assert.Equal(unassigned, OpenClErrors.Name(status) == "CL_UNKNOWN_ERROR");
        }
    }

    [Fact]
    public void A_failed_status_becomes_a_NativeCallException_naming_call_and_status()
    {
        var e = Assert.Throws<NativeCallException>(() => OpenClErrors.Check(-38, "clEnqueueReadBuffer"));
        Assert.Equal("OpenCL", e.Api);
        Assert.Equal("clEnqueueReadBuffer", e.Call);
        Assert.Equal(-38, e.Status);
        Assert.Contains("CL_INVALID_MEM_OBJECT (-38)", e.Message);
    }
}
