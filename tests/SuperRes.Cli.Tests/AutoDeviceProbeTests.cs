using SuperRes.Runtime;

namespace SuperRes.Cli.Tests;

/// <summary>
/// <c>superres devices</c> always probes and rewrites the device-probe cache; <c>--device auto</c> then takes
/// <c>cpu</c> from it without a probe when the machine has no GPU, and says so. Uses the real cache file: a stale
/// entry is harmless to other tests (they probe again and rewrite it).
/// </summary>
public sealed class AutoDeviceProbeTests(ITestOutputHelper log, CliFixtures fx) : IClassFixture<CliFixtures>
{
    [Fact]
    public void Devices_rewrites_a_stale_probe_and_auto_then_uses_it_when_there_is_no_gpu()
    {
        var cache = CacheHolding("superres device probe, version 1\nprobed 2000-01-01T00:00:00.0000000Z\nno GPU true\nkey:\nstale\n");
        Assert.Null(cache.NoGpuProbedAt(warn: null));

        CliRun.Logged(log, "devices").AssertExit(0);

        bool noGpu = DeviceProbeCache.FoundNoGpu(Devices.Discover());
        Assert.Equal(noGpu, cache.NoGpuProbedAt(warn: null) is not null);
        var output = Path.Combine(fx.NewFolder("out"), "x2.png");
        var run = CliRun.Logged(log, "upscale", fx.NewRgbInput(), "-o", output, "--weights", fx.Fsrcnn).AssertExit(0);
        if (noGpu)
        {
            Assert.Contains("device: cpu (C# reference", run.Err);
            Assert.Contains("chosen by auto: no GPU found by the cached device probe of ", run.Err);
        }
        else
            Assert.DoesNotContain("cached device probe", run.Err);
    }

    [Fact]
    public void A_corrupt_probe_cache_warns_and_auto_still_chooses()
    {
        var cache = CacheHolding("{ not json");

        var output = Path.Combine(fx.NewFolder("out"), "x2.png");
        var run = CliRun.Logged(log, "upscale", fx.NewRgbInput(), "-o", output, "--weights", fx.Fsrcnn, "--device", "auto").AssertExit(0);

        Assert.Contains($"warning: ignoring the device-probe cache {cache.Path}", run.Err);
        Assert.Contains("chosen by auto", run.Err);
        Assert.True(File.Exists(output), run.ToString());
        Assert.Equal(DeviceProbeCache.FoundNoGpu(Devices.Discover()), cache.NoGpuProbedAt(warn: null) is not null);
    }

    /// <summary>The default cache, its file replaced by <paramref name="content"/>.</summary>
    private static DeviceProbeCache CacheHolding(string content)
    {
        var cache = DeviceProbeCache.Default;
        Assert.NotNull(cache.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(cache.Path)!);
        File.WriteAllText(cache.Path, content);
        return cache;
    }
}
