namespace SuperRes.Runtime.Tests;

public sealed class OpenClMemoryTests(ITestOutputHelper output)
{
    [OpenClFact]
    public void Write_then_read_round_trips_with_offsets()
    {
        using var device = TestDevices.RequireOpenCl();
        var data = KernelTestData.RandomData(1000, seed: 1);
        using var buffer = device.Allocate(1500);
        device.Write(buffer, Enumerable.Repeat(float.NaN, 1500).ToArray());
        device.Write(buffer, data, destinationOffset: 300);

        Assert.Equal(data, device.Download(buffer)[300..1300]);
        var middle = new float[200];
        device.Read(buffer, middle, sourceOffset: 700);
        Assert.Equal(data[400..600], middle);
        Assert.True(float.IsNaN(device.Download(buffer)[299]), "Write touched an element before its offset");
        Assert.True(float.IsNaN(device.Download(buffer)[1300]), "Write touched an element after its range");
    }

    [OpenClFact]
    public void Out_of_range_transfers_are_refused_before_reaching_the_driver()
    {
        using var device = TestDevices.RequireOpenCl();
        using var buffer = device.Allocate(10);
        Assert.Throws<ArgumentOutOfRangeException>(() => device.Write(buffer, new float[5], destinationOffset: 6));
        Assert.Throws<ArgumentOutOfRangeException>(() => device.Read(buffer, new float[11]));
        using var host = new HostBuffer(4);
        Assert.Throws<ArgumentOutOfRangeException>(() => device.WriteAsync(host, 2, buffer, 0, 3));
    }

    [OpenClFact]
    public void Copy_moves_a_range_between_buffers()
    {
        using var device = TestDevices.RequireOpenCl();
        var data = KernelTestData.RandomData(777, seed: 2);
        using var source = device.Upload(data);
        using var destination = device.Upload(Enumerable.Repeat(float.NaN, 500).ToArray());
        device.Copy(source, 100, destination, 50, 400);
        var result = device.Download(destination);
        Assert.Equal(data[100..500], result[50..450]);
        Assert.All(result[..50], v => Assert.True(float.IsNaN(v)));
        Assert.All(result[450..], v => Assert.True(float.IsNaN(v)));
    }

    [OpenClFact]
    public void Async_transfers_complete_after_Synchronize()
    {
        using var device = TestDevices.RequireOpenCl();
        const int n = 100_000;
        var data = KernelTestData.RandomData(n, seed: 3);
        using var upload = new HostBuffer(n);
        using var download = new HostBuffer(n + 10);
        data.CopyTo(upload.AsSpan());
        download.AsSpan().Fill(float.NaN);
        using var buffer = device.Allocate(n);

        device.WriteAsync(upload, 0, buffer, 0, n / 2);
        device.WriteAsync(upload, n / 2, buffer, n / 2, n - n / 2);
        device.ReadAsync(buffer, 0, download, 10, n);
        device.Synchronize();

        Assert.Equal(data, download.AsSpan()[10..].ToArray());
        Assert.All(download.AsSpan()[..10].ToArray(), v => Assert.True(float.IsNaN(v)));
    }

    [OpenClFact]
    public void Events_measure_non_negative_device_time()
    {
        using var device = TestDevices.RequireOpenCl();
        const int n = 1 << 20;
        using var x = device.Upload(KernelTestData.RandomData(n, seed: 4));
        using var y = device.Allocate(n);
        var scale = device.GetKernel("elementwise.cl", "scale");
        using var start = device.RecordEvent();
        device.Launch(scale, LaunchGrid.Linear(n), n, 2f, x, y);
        using var end = device.RecordEvent();
        double ms = device.ElapsedMilliseconds(start, end);
        output.WriteLine($"scale of {n} floats: {ms:F3} ms");
        Assert.True(ms >= 0 && double.IsFinite(ms), $"elapsed {ms}");
        Assert.Equal(0, device.ElapsedMilliseconds(end, end));
    }

    [OpenClFact]
    public void Pool_reuses_freed_blocks_without_new_backend_allocations()
    {
        using var device = TestDevices.RequireOpenCl();
        device.Allocate(10_000).Dispose();
        long allocations = device.Memory.BackendAllocations;
        using (var again = device.Allocate(10_000))
        {
            device.Write(again, KernelTestData.RandomData(10_000, seed: 5));
            Assert.Equal(allocations, device.Memory.BackendAllocations);
        }
        using var smaller = device.Allocate(6_000);
        Assert.Equal(allocations, device.Memory.BackendAllocations);
    }

    [OpenClFact]
    public void A_memory_cap_gives_DeviceOutOfMemoryException_with_the_numbers()
    {
        using var device = TestDevices.RequireOpenCl(memoryCapBytes: 1L << 20);
        using var first = device.Allocate(200_000);
        var e = Assert.Throws<DeviceOutOfMemoryException>(() => device.Allocate(100_000));
        output.WriteLine(e.Message);
        Assert.Equal(1L << 20, e.CapBytes);
        Assert.Equal(first.Block.SizeBytes, e.InUseBytes);
        Assert.True(e.RequestedBytes >= 400_000);
        Assert.Contains("asked for", e.Message);
        Assert.Contains("in use", e.Message);
        Assert.Contains("cap 1 MiB", e.Message);
    }

    [OpenClFact]
    public void A_buffer_above_the_device_allocation_limit_gives_DeviceOutOfMemoryException()
    {
        var info = TestDevices.RequireOpenClInfo();
        // A cap above the request, so the refusal comes from the device limit and not from the pool.
        using var probe = TestDevices.RequireOpenCl();
        using var device = TestDevices.RequireOpenCl(memoryCapBytes: 2 * probe.MaxAllocationBytes + (1L << 20));
        long floats = device.MaxAllocationBytes / sizeof(float) + 1024;
        var e = Assert.Throws<DeviceOutOfMemoryException>(() => device.Allocate(floats));
        output.WriteLine(e.Message);
        Assert.Contains("CL_DEVICE_MAX_MEM_ALLOC_SIZE", e.Message);
        Assert.Equal(0, device.Memory.InUseBytes);
    }
}
