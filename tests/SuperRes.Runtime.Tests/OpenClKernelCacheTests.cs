using SuperRes.Runtime.OpenCL;

namespace SuperRes.Runtime.Tests;

/// <summary>
/// SUPERRES_KERNEL_CACHE is process-wide, so tests that point it somewhere run in a collection that xunit
/// runs alone, after the parallel ones (other backends' cache tests may join it by name).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KernelCacheEnvironmentCollection
{
    public const string Name = "SUPERRES_KERNEL_CACHE";
}

[Collection(KernelCacheEnvironmentCollection.Name)]
public sealed class OpenClKernelCacheTests : IDisposable
{
    private readonly string? _previous = Environment.GetEnvironmentVariable("SUPERRES_KERNEL_CACHE");
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "superres-opencl-cache-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("SUPERRES_KERNEL_CACHE", _previous);
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    [OpenClFact]
    public void A_second_device_loads_the_program_from_the_disk_cache()
    {
        Environment.SetEnvironmentVariable("SUPERRES_KERNEL_CACHE", _directory);
        using (var first = TestDevices.RequireOpenCl())
        {
            first.GetProgram("elementwise.cl", KernelDefines.None);
            Assert.False(first.LastBuildFromCache);
        }
        Assert.Single(Directory.GetFiles(_directory, "*.bin"));

        using var second = TestDevices.RequireOpenCl();
        second.GetProgram("elementwise.cl", KernelDefines.None);
        Assert.True(second.LastBuildFromCache);
        Assert.Equal(1, second.CacheHits);
        AssertAxpyWorks(second);
    }

    [OpenClFact]
    public void Different_defines_are_different_cache_entries()
    {
        Environment.SetEnvironmentVariable("SUPERRES_KERNEL_CACHE", _directory);
        using var device = TestDevices.RequireOpenCl();
        device.GetProgram("reduce.cl", new KernelDefines().With("GROUP", 64));
        device.GetProgram("reduce.cl", new KernelDefines().With("GROUP", 128));
        Assert.False(device.LastBuildFromCache);
        Assert.Equal(2, Directory.GetFiles(_directory, "*.bin").Length);
    }

    [OpenClFact]
    public void A_corrupt_cache_entry_is_evicted_and_rebuilt_from_source()
    {
        Environment.SetEnvironmentVariable("SUPERRES_KERNEL_CACHE", _directory);
        using (var first = TestDevices.RequireOpenCl())
        {
            first.GetProgram("elementwise.cl", KernelDefines.None);
        }
        string entry = Assert.Single(Directory.GetFiles(_directory, "*.bin"));
        var good = File.ReadAllBytes(entry);
        File.WriteAllBytes(entry, [.. good.Take(good.Length / 3), .. new byte[64]]);

        using var second = TestDevices.RequireOpenCl();
        second.GetProgram("elementwise.cl", KernelDefines.None);
        Assert.False(second.LastBuildFromCache);
        Assert.Equal(0, second.CacheHits);
        AssertAxpyWorks(second);
        Assert.Equal(good.Length, new FileInfo(entry).Length); // the rebuilt binary replaced the corrupt one
    }

    [OpenClFact]
    public async Task Two_devices_building_at_once_leave_one_valid_entry_per_program()
    {
        Environment.SetEnvironmentVariable("SUPERRES_KERNEL_CACHE", _directory);
        using var start = new Barrier(2);
        var builds = Enumerable.Range(0, 2).Select(_ => Task.Factory.StartNew(() =>
        {
            using var device = TestDevices.RequireOpenCl();
            start.SignalAndWait();
            device.GetProgram("reduce.cl", new KernelDefines().With("GROUP", 256));
            AssertAxpyWorks(device);
        }, TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(builds);

        // One entry per program (reduce.cl, and elementwise.cl for axpy), however many threads stored it.
        Assert.Equal(2, Directory.GetFiles(_directory, "*.bin").Length);
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
        using var third = TestDevices.RequireOpenCl();
        var kernel = third.GetKernel("reduce.cl", "sum_partial", new KernelDefines().With("GROUP", 256));
        Assert.True(third.LastBuildFromCache);
        var x = KernelTestData.RandomData(4096, seed: 20);
        using var xBuffer = third.Upload(x);
        using var partial = third.Upload([float.NaN]);
        third.Launch(kernel, LaunchGrid.Linear(256, 256), x.Length, xBuffer, partial);
        KernelTestData.AssertClose((float)x.Sum(v => (double)v), third.Download(partial)[0], 1e-4f, "sum from the cached binary");
    }

    [OpenClFact]
    public void The_cache_can_be_turned_off()
    {
        Environment.SetEnvironmentVariable("SUPERRES_KERNEL_CACHE", "off");
        using var device = TestDevices.RequireOpenCl();
        device.GetProgram("elementwise.cl", KernelDefines.None);
        Assert.False(device.LastBuildFromCache);
        Assert.False(Directory.Exists(_directory));
    }

    [OpenClFact]
    public void Changing_an_included_header_rebuilds_instead_of_loading_the_cached_binary()
    {
        Environment.SetEnvironmentVariable("SUPERRES_KERNEL_CACHE", _directory);
        using var device = TestDevices.RequireOpenCl();

        Assert.Equal(1f, BuildAndRunValueKernel(device, "#define VALUE 1.0f\n", expectCached: false));
        Assert.Equal(1f, BuildAndRunValueKernel(device, "#define VALUE 1.0f\n", expectCached: true));
        Assert.Equal(2f, BuildAndRunValueKernel(device, "#define VALUE 2.0f\n", expectCached: false));
        Assert.Equal(2, Directory.GetFiles(_directory, "*.bin").Length);
    }

    // The composed source (headers inlined) is what the cache key hashes.
    private static float BuildAndRunValueKernel(OpenClDevice device, string header, bool expectCached)
    {
        var set = KernelIncludeTests.Sources(("a.cl", KernelIncludeTests.ValueKernel), ("include/value.h", header));
        string source = KernelLibrary.Prelude(BackendKind.OpenCL) + "\n" + KernelIncludes.Expand(set, "a.cl");
        using var program = device.BuildFromSource("a.cl", KernelDefines.None, source);
        Assert.Equal(expectCached, device.LastBuildFromCache);
        using var y = device.Upload(new float[1]);
        device.Launch(program.GetKernel("write_value"), LaunchGrid.Linear(1, 1), y);
        return device.Download(y)[0];
    }

    private static void AssertAxpyWorks(OpenClDevice device)
    {
        var x = KernelTestData.RandomData(513, seed: 21);
        var y = KernelTestData.RandomData(513, seed: 22);
        using var xBuffer = device.Upload(x);
        using var yBuffer = device.Upload(y);
        device.Launch(device.GetKernel("elementwise.cl", "axpy"), LaunchGrid.Linear(x.Length), x.Length, 0.5f, xBuffer, yBuffer);
        var result = device.Download(yBuffer);
        for (int i = 0; i < x.Length; i++)
            KernelTestData.AssertClose(y[i] + 0.5f * x[i], result[i], 1e-6f, $"y[{i}]");
    }
}

/// <summary>OCL_ICD_VENDORS is process-wide too, so this runs in the same serial collection.</summary>
[Collection(KernelCacheEnvironmentCollection.Name)]
public sealed class OpenClNoPlatformMessageTests
{
    [Fact]
    public void The_no_platform_reason_names_the_vendors_folder_and_what_it_holds()
    {
        string? previous = Environment.GetEnvironmentVariable("OCL_ICD_VENDORS");
        string empty = Directory.CreateTempSubdirectory("superres-vendors-").FullName;
        try
        {
            Environment.SetEnvironmentVariable("OCL_ICD_VENDORS", empty);
            string message = OpenClProvider.NoPlatformMessage();
            Assert.Contains("/etc/OpenCL/vendors", message);
            Assert.Contains($"{empty} holds no .icd files", message);
            Assert.Contains("pocl-opencl-icd", message);

            File.WriteAllText(Path.Combine(empty, "broken.icd"), "/nonexistent/libbroken.so\n");
            Assert.Contains("names broken.icd, but none of those drivers loaded", OpenClProvider.NoPlatformMessage());
        }
        finally
        {
            Environment.SetEnvironmentVariable("OCL_ICD_VENDORS", previous);
            Directory.Delete(empty, recursive: true);
        }
    }
}
