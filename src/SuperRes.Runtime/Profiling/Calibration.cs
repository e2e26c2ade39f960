using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SuperRes.Runtime.Cpu;
using SuperRes.Runtime.Tuning;

namespace SuperRes.Runtime.Profiling;

/// <summary>
/// What a device can reach: <see cref="Gflops"/> from a tiled SGEMM, <see cref="Gbps"/> from a large copy (read
/// plus write bytes per second). The roofline's ridge point, <see cref="Ridge"/> FLOP/byte, separates the
/// memory-bound kernels (below it) from the compute-bound ones.
/// </summary>
public sealed record DevicePeak(double Gflops, double Gbps, string Source)
{
    public double Ridge => Gflops / Gbps;

    /// <summary>Parses <c>GFLOPS,GBPS</c>, e.g. <c>200,20</c>.</summary>
    public static DevicePeak Parse(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double flops)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double bytes)
            && flops > 0 && bytes > 0 && double.IsFinite(flops) && double.IsFinite(bytes))
            return new DevicePeak(flops, bytes, "given");
        throw new SuperResException($"peak '{text}' is not GFLOPS,GBPS with two positive numbers (e.g. 200,20)");
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Gflops:F1} GFLOP/s, {Gbps:F1} GB/s (ridge {Ridge:F1} FLOP/byte; {Source})");
}

/// <summary>
/// Measures a device's <see cref="DevicePeak"/>: on kernel devices with kernels/calibrate.cl, on the Cpu device
/// with the Cpu backend's own matrix product (<see cref="CpuGemm"/>) and a parallel copy; best of a few runs.
/// Results are cached per device as a small JSON file under the kernel cache directory (<c>peaks/</c>), so only
/// the first profile pays for it.
/// </summary>
public static class Calibration
{
    public const string KernelFile = "calibrate.cl";
    private const int Version = 1;
    private const int Repeats = 4;

    /// <summary>The cached peak of the device, or a fresh measurement (stored for next time).</summary>
    public static DevicePeak Get(Device device, bool refresh = false) => Get(device, CachePath(device), refresh, d => Measure(d));

    internal static DevicePeak Get(Device device, string? path, bool refresh, Func<Device, DevicePeak> measure)
    {
        if (!refresh && path is not null && TryLoad(path) is { } cached)
            return cached;
        var peak = measure(device);
        if (path is not null)
            Store(path, device, peak);
        return peak;
    }

    /// <summary>Measures now. Sizes: <paramref name="matrix"/>² SGEMM and a copy of <paramref name="copyElements"/> floats (0: chosen for the device).</summary>
    public static DevicePeak Measure(Device device, int matrix = 0, long copyElements = 0)
    {
        bool big = device.Info.IsGpu;
        if (matrix <= 0)
            matrix = big ? 4096 : 1024;
        if (copyElements <= 0)
            copyElements = big ? 64L << 20 : 16L << 20;
        matrix = Math.Max(256, matrix / 256 * 256); // a multiple of every SGEMM tile
        string when = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        double gflops, gbps;
        if (device is KernelDevice k)
        {
            gflops = KernelSgemm(k, matrix);
            gbps = KernelCopy(k, copyElements);
        }
        else
        {
            gflops = CpuSgemm(matrix);
            gbps = CpuCopy(copyElements);
        }
        // Other processes take cores from the measurement: say so, since the figures are then too low.
        string load = LoadAverage() is { } l
            ? l > Environment.ProcessorCount / 2.0 ? string.Create(CultureInfo.InvariantCulture, $", under load {l:F1} (too low: --recalibrate when the machine is quiet)")
              : string.Create(CultureInfo.InvariantCulture, $", load {l:F1}")
            : "";
        return new DevicePeak(gflops, gbps, $"calibrated {when}: SGEMM {matrix}³, copy {Bytes.Format(copyElements * 4)}{load}");
    }

    /// <summary>The 1-minute load average (Linux), or null.</summary>
    private static double? LoadAverage()
    {
        try
        {
            var text = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg") : null;
            return text is not null && double.TryParse(text.Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double l) ? l : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary><c>peaks/&lt;hash&gt;.json</c> under <see cref="KernelCache.Directory"/>; null when the cache is off.</summary>
    public static string? CachePath(Device device)
    {
        if (KernelCache.Directory is not { } dir)
            return null;
        var info = device.Info;
        // What was measured: the kernel and, once `superres tune` has found one, the tuned SGEMM configuration.
        string source = device is KernelDevice k
            ? KernelLibrary.ReadFile(KernelFile) + k.Tuning.Find(CalibrationSgemm.Space.Kernel, CalibrationSgemm.ShapeClass)?.Parameters
            : nameof(CpuGemm);
        string key = KernelCache.Key("peak", Version.ToString(CultureInfo.InvariantCulture), info.Backend.ToString(), info.Name,
            info.DriverVersion, info.ApiVersion, Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture), source);
        return Path.Combine(dir, "peaks", $"{info.Backend.IdPrefix()}-{key[..20]}.json");
    }

    private static DevicePeak? TryLoad(string path)
    {
        try
        {
            if (!File.Exists(path))
                return null;
            var json = JsonNode.Parse(File.ReadAllText(path));
            double flops = json!["gflops"]!.GetValue<double>(), bytes = json["gbps"]!.GetValue<double>();
            string measured = json["source"]?.GetValue<string>() ?? "calibrated";
            return flops > 0 && bytes > 0 ? new DevicePeak(flops, bytes, $"{measured}, cached in {path}") : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or NullReferenceException or FormatException)
        {
            return null; // a damaged cache entry is measured again and overwritten
        }
    }

    private static void Store(string path, Device device, DevicePeak peak)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var json = new JsonObject
            {
                ["device"] = device.Info.Id,
                ["name"] = device.Info.Name,
                ["gflops"] = Math.Round(peak.Gflops, 2),
                ["gbps"] = Math.Round(peak.Gbps, 2),
                ["source"] = peak.Source,
            };
            var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
            File.WriteAllText(temp, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // an unwritable cache only means calibrating again next time
        }
    }

    /// <summary>
    /// The configurations the NVRTC tests compile for a backend: every class's shipped ones, without those CUDA
    /// cannot run without spilling (<see cref="CalibrationSgemm.Illegal"/>).
    /// </summary>
    internal static IReadOnlyList<(int Ts, int Wpt, int Tk)> SgemmConfigsFor(BackendKind backend) =>
        [.. CalibrationSgemm.Shipped(DeviceClass.Cpu)
            .Select(c => (Ts: TuningSpace.Value(c, "TS"), Wpt: TuningSpace.Value(c, "WPT"), Tk: TuningSpace.Value(c, "TK")))
            .Where(c => backend != BackendKind.Cuda || c.Wpt * c.Wpt < 255)];

    /// <summary>The fastest of <see cref="CalibrationSgemm.Candidates"/> on an n×n product, in GFLOP/s.</summary>
    private static double KernelSgemm(KernelDevice k, int n)
    {
        long count = (long)n * n;
        var values = new float[count];
        var random = new Random(1);
        for (long i = 0; i < count; i++)
            values[i] = (float)random.NextDouble() - 0.5f;
        using var a = k.Upload(values);
        using var b = k.Upload(values);
        using var c = k.Allocate(count);
        double best = 0;
        foreach (var config in CalibrationSgemm.Candidates(k, n))
        {
            double ms = Best(k, () => CalibrationSgemm.Launch(k, config, n, a, b, c));
            best = Math.Max(best, 2.0 * n * n * n / (ms * 1e6));
        }
        return best > 0 ? best : throw new SuperResException($"no SGEMM configuration of kernels/{KernelFile} fits {k.Info}");
    }

    private static double KernelCopy(KernelDevice k, long n)
    {
        n = Math.Min(n, int.MaxValue);
        if (k is OpenCL.OpenClDevice cl)
            n = Math.Min(n, cl.MaxAllocationBytes / 4);
        var kernel = k.GetKernel(KernelFile, "calibrate_copy");
        using var x = k.Allocate(n);
        using var y = k.Allocate(n);
        var grid = LaunchGrid.Linear(n, Math.Min(256, k.MaxWorkGroupSize));
        k.Launch(kernel, grid, n, y, x); // first touch: some drivers back a buffer with memory on first use
        double best = Best(k, () => k.Launch(kernel, grid, n, x, y));
        return 8.0 * n / (best * 1e6);
    }

    /// <summary>Shortest device time of <see cref="Repeats"/> runs after one warm-up, in ms.</summary>
    private static double Best(Device device, Action run)
    {
        run();
        device.Synchronize();
        double best = double.MaxValue;
        for (int r = 0; r < Repeats; r++)
        {
            using var start = device.RecordEvent();
            run();
            using var end = device.RecordEvent();
            best = Math.Min(best, device.ElapsedMilliseconds(start, end));
        }
        return Math.Max(best, 1e-6);
    }

    private static double BestHost(Action run)
    {
        run();
        double best = double.MaxValue;
        for (int r = 0; r < Repeats; r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            run();
            best = Math.Min(best, Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        return Math.Max(best, 1e-6);
    }

    // ---- Cpu: what vectorised C# reaches on this machine ----

    private static double CpuCopy(long n)
    {
        int count = (int)Math.Min(n, Array.MaxLength);
        var x = GC.AllocateUninitializedArray<float>(count);
        var y = GC.AllocateUninitializedArray<float>(count);
        Array.Fill(x, 1f);
        Array.Fill(y, 0f);
        int chunks = Math.Max(1, Environment.ProcessorCount) * 4;
        int chunk = (count + chunks - 1) / chunks;
        double best = BestHost(() => Parallel.For(0, chunks, i =>
        {
            int start = i * chunk, length = Math.Min(chunk, count - start);
            if (length > 0)
                x.AsSpan(start, length).CopyTo(y.AsSpan(start, length));
        }));
        return 8.0 * count / (best * 1e6);
    }

    // Columns of C one task computes: the task's strip of B (n × 64 floats) stays in L2 while CpuGemm walks A.
    private const int SgemmPanel = 64;

    /// <summary>C = A·B with the Cpu backend's own matrix product (<see cref="CpuGemm"/>), one task per column panel.</summary>
    private static double CpuSgemm(int n)
    {
        var a = new float[n * n];
        var b = new float[n * n];
        var c = new float[n * n];
        var random = new Random(1);
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = (float)random.NextDouble() - 0.5f;
            b[i] = (float)random.NextDouble() - 0.5f;
        }
        double best = BestHost(() => Parallel.For(0, n / SgemmPanel, panel =>
        {
            int column = panel * SgemmPanel;
            CpuGemm.Multiply(n, SgemmPanel, n, a, n, b.AsSpan(column), n, c.AsSpan(column), n, accumulate: false);
        }));
        return 2.0 * n * n * n / (best * 1e6);
    }
}
