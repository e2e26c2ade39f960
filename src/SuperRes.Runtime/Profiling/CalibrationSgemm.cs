using SuperRes.Runtime.Tuning;

namespace SuperRes.Runtime.Profiling;

/// <summary>
/// The calibration SGEMM of kernels/calibrate.cl, the yardstick of the profiler's roofline: its tunable defines
/// (tile, work per work-item, k-step), their legal values for an n×n product on a device, the shipped
/// configurations and the launch. The calibration times the shipped ones and the tuning database's entry, and
/// keeps the fastest.
/// </summary>
public static class CalibrationSgemm
{
    /// <summary>The database key: one entry for the square products the calibration runs.</summary>
    public const string ShapeClass = "square";

    public static TuningSpace Space { get; } = new("calibrate_sgemm",
    [
        new("TS", [16, 32, 64, 128, 256], "the TS×TS tile of C one work-group computes"),
        new("WPT", [1, 2, 4, 8, 16], "rows and columns of the tile per work-item ((TS/WPT)² work-items per group)"),
        new("TK", [4, 8, 16, 32], "depth of the slices of A and B staged in local memory per step"),
    ]);

    /// <summary>CUDA caps statically sized shared memory at 48 KiB whatever the device offers.</summary>
    private const long MaxStaticLocalBytes = 48 * 1024;

    /// <summary>An NVIDIA thread has 255 registers: WPT² accumulators beyond that spill (NvrtcResourceTests shows WPT=16 does).</summary>
    private const int CudaMaxAccumulators = 254;

    public static KernelDefines Config(int ts, int wpt, int tk) => new KernelDefines().With("TS", ts).With("WPT", wpt).With("TK", tk);

    /// <summary>
    /// The shipped configurations of a device class, the first its default for the tuner: GPUs like 128/8/16, PoCL on a
    /// CPU likes bigger blocks per work-item (256/16/8).
    /// </summary>
    public static IReadOnlyList<KernelDefines> Shipped(DeviceClass deviceClass) => deviceClass == DeviceClass.Gpu
        ? [Config(128, 8, 16), Config(64, 4, 16), Config(256, 16, 8)]
        : [Config(256, 16, 8), Config(128, 8, 16), Config(64, 4, 16)];

    /// <summary>Why <paramref name="p"/> cannot multiply n×n matrices on <paramref name="k"/>, or null.</summary>
    public static string? Illegal(KernelDevice k, int n, KernelDefines p)
    {
        if (Space.Check(p) is { } invalid)
            return invalid;
        int ts = TuningSpace.Value(p, "TS"), wpt = TuningSpace.Value(p, "WPT"), tk = TuningSpace.Value(p, "TK");
        if (wpt > ts)
            return $"WPT={wpt} in a tile of {ts}";
        if (n % ts != 0 || n % tk != 0)
            return $"n={n} is not a multiple of TS={ts} and TK={tk}";
        int threads = ts / wpt * (ts / wpt);
        if (threads > k.MaxWorkGroupSize)
            return $"{threads} work-items per group; {k.Info.Id} allows {k.MaxWorkGroupSize}";
        if (k.Info.Backend == BackendKind.Cuda && wpt * wpt > CudaMaxAccumulators)
            return $"{wpt * wpt} accumulators per thread spill on CUDA";
        long bytes = 2L * ts * tk * sizeof(float), budget = Math.Min(k.LocalMemoryBytes, MaxStaticLocalBytes);
        return bytes > budget ? $"{bytes} bytes of local memory; {k.Info.Id} offers {budget}" : null;
    }

    /// <summary>What the calibration times: the class's shipped configurations and the database's entry, those legal for n.</summary>
    public static IReadOnlyList<KernelDefines> Candidates(KernelDevice k, int n)
    {
        var configs = Shipped(k.Class).ToList();
        if (k.Tuning.Find(Space.Kernel, ShapeClass) is { } tuned)
            configs.Add(tuned.Parameters);
        return [.. configs.Distinct().Where(c => Illegal(k, n, c) is null)];
    }

    /// <summary>Enqueues C = A·B for row-major n×n matrices with the (legal) configuration <paramref name="p"/>.</summary>
    public static void Launch(KernelDevice k, KernelDefines p, int n, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c)
    {
        int wpt = TuningSpace.Value(p, "WPT"), rts = TuningSpace.Value(p, "TS") / wpt;
        k.Launch(k.GetKernel(Calibration.KernelFile, "calibrate_sgemm", p), LaunchGrid.Grid2D(n / wpt, n / wpt, rts, rts), n, n, n, a, b, c);
    }
}
