using SuperRes.Runtime.Cuda;

namespace SuperRes.Runtime.Tests;

/// <summary>Tests on a real CUDA GPU; on machines without one (CI) they are reported as skipped, with the reason.</summary>
public sealed class CudaDeviceTests(ITestOutputHelper output)
{
    [CudaFact]
    public void Write_read_copy_and_async_transfers_round_trip()
    {
        using var device = TestDevices.RequireCuda();
        const int n = 100_003;
        var data = KernelTestData.RandomData(n, seed: 1);
        using var a = device.Upload(data);
        Assert.Equal(data, device.Download(a));

        using var b = device.Allocate(n);
        device.Write(b, new float[n]);
        device.Copy(a, 10, b, 20, 1000);
        var partial = new float[1000];
        device.Read(b, partial, 20);
        Assert.Equal(data.AsSpan(10, 1000).ToArray(), partial);

        using var host = new HostBuffer(n);
        data.CopyTo(host.AsSpan());
        using var c = device.Allocate(n);
        device.WriteAsync(host, 0, c, 0, n);
        using var back = new HostBuffer(n);
        back.AsSpan().Fill(float.NaN);
        device.ReadAsync(c, 5, back, 2, n - 5);
        device.Synchronize();
        Assert.Equal(data.AsSpan(5).ToArray(), back.AsSpan()[2..(n - 3)].ToArray());
        Assert.True(float.IsNaN(back.AsSpan()[1]) && float.IsNaN(back.AsSpan()[n - 3]));
    }

    [CudaFact]
    public void Axpy_matches_a_CSharp_loop_and_leaves_the_tail_alone()
    {
        using var device = TestDevices.RequireCuda();
        KernelTestData.AssertAxpy(device, n: 1_000_003, block: 256, seed: 2);
    }

    [CudaFact]
    public void Sum_partial_matches_a_CSharp_reduction_per_group()
    {
        using var device = TestDevices.RequireCuda();
        const int group = 256, groups = 40, n = 1_000_001;
        var (x, result) = KernelTestData.SumPartial(device, n, group, groups, seed: 4);

        for (int g = 0; g < groups; g++)
        {
            double sum = 0, magnitude = 0;
            for (int start = g * group; start < n; start += groups * group)
                for (int i = start; i < Math.Min(start + group, n); i++)
                {
                    sum += x[i];
                    magnitude += Math.Abs(x[i]);
                }
            Assert.True(Math.Abs(sum - result[g]) <= 1e-5 * magnitude, $"partial[{g}]: expected {sum:R}, got {result[g]:R}");
        }
    }

    [CudaFact]
    public void Events_time_the_work_between_them()
    {
        using var device = TestDevices.RequireCuda();
        const int n = 4_000_000;
        using var y = device.Allocate(n);
        var fill = device.GetKernel("elementwise.cl", "fill");
        using var start = device.RecordEvent();
        for (int i = 0; i < 20; i++)
            device.Launch(fill, LaunchGrid.Linear(n), n, (float)i, y);
        using var end = device.RecordEvent();

        double ms = device.ElapsedMilliseconds(start, end);
        output.WriteLine($"20 fills of {n} floats: {ms:F3} ms");
        Assert.True(ms > 0 && double.IsFinite(ms), $"elapsed {ms} ms");
        Assert.Equal(19f, device.Download(y)[n - 1]);
    }

    [CudaFact]
    public void Memory_cap_and_device_exhaustion_give_DeviceOutOfMemoryException()
    {
        using (var capped = TestDevices.RequireCuda(memoryCapBytes: 1 << 20))
        {
            using var fits = capped.Allocate(100_000);
            var error = Assert.Throws<DeviceOutOfMemoryException>(() => capped.Allocate(1 << 20));
            Assert.Contains(capped.Info.Id, error.Message);
        }

        using var device = TestDevices.RequireCuda(memoryCapBytes: long.MaxValue);
        long tooMany = (device.Info.MemoryBytes + (1L << 30)) / sizeof(float);
        var full = Assert.Throws<DeviceOutOfMemoryException>(() => device.Allocate(tooMany));
        Assert.Contains("CUDA_ERROR_OUT_OF_MEMORY", full.Message);
        Assert.True(device.FreeMemoryBytes > 0);
    }

    [CudaFact]
    public void A_missing_entry_point_is_named_in_the_error()
    {
        using var device = TestDevices.RequireCuda();
        var error = Assert.Throws<NativeCallException>(() => device.GetKernel("elementwise.cl", "no_such_kernel"));
        Assert.Equal("CUDA_ERROR_NOT_FOUND", error.StatusName);
        Assert.Contains("no_such_kernel", error.Message);
    }

    [CudaFact]
    public void A_corrupt_cached_binary_is_evicted_and_rebuilt()
    {
        using var device = TestDevices.RequireCuda();
        if (KernelCache.Directory is not { } directory)
            return;
        var defines = new KernelDefines().With("GROUP", 128);
        var source = KernelLibrary.Compose(BackendKind.Cuda, "reduce.cl");
        var key = CudaProgram.CacheKey(device, source, NvrtcCompiler.Target(device.Arch), defines);
        Directory.CreateDirectory(directory);
        // NUL-terminated, so that it reaches cuModuleLoadData (as PTX) and the driver itself refuses it.
        var junk = "this is not PTX\0"u8.ToArray();
        File.WriteAllBytes(Path.Combine(directory, key + ".bin"), junk);

        var kernel = device.GetKernel("reduce.cl", "sum_partial", defines);

        Assert.Equal("sum_partial", kernel.Name);
        Assert.NotEqual(junk, KernelCache.TryLoad(key));
    }
}
