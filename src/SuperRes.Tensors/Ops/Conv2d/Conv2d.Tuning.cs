using System.Numerics;
using SuperRes.Runtime.Tuning;
using SuperRes.Tensors.Tuning;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The tunable defines of kernels/conv2d_forward.cl: their legal values, the rule that rejects combinations a shape
/// or device cannot run, the shipped defaults per device class, and the shape classes a tuning database is keyed by.
/// </summary>
internal static class Conv2dForwardTuning
{
    public const string File = "conv2d_forward.cl";

    public static TuningSpace Space { get; } = new("conv2d_forward",
    [
        new("LOCAL_TILES", [0, 1], "1: stage input and weight tiles in local memory (GPU-shaped); 0: read straight into registers (CPU-shaped)"),
        new("BLOCK", [1, 2, 4, 8, 16], "output channels per work-item"),
        new("PX", [1, 2, 4, 8, 16, 32], "output columns per work-item, WG_X apart"),
        new("ROWS", [1, 2, 4], "output rows per work-item, WG_Y apart (1 with LOCAL_TILES=1)"),
        new("WG_X", [1, 2, 4, 8, 16, 32], "work-items per group along a row"),
        new("WG_Y", [1, 2, 4, 8, 16], "work-items per group across rows"),
    ]);

    /// <summary>Most accumulators one work-item of the register formulation may hold (BLOCK·PX·ROWS): more spill on every device.</summary>
    private const int MaxAccumulators = 512;

    /// <summary>Most summed-over channels the local-memory formulation stages per step.</summary>
    private const int MaxChunkChannels = 8;

    /// <summary>CUDA caps statically sized shared memory at 48 KiB whatever the device offers.</summary>
    private const long MaxStaticLocalBytes = 48 * 1024;

    /// <summary>
    /// The class a database entry applies to: kernel size, stride and the size range of each channel count
    /// (1–4, 5–16, 17–64, 65+), e.g. <c>3x3/1 17-64→17-64</c> for EDSR's body.
    /// </summary>
    public static string ShapeClass(Conv2dShape s) => ShapeClasses.Convolution(s.K, s.Stride, s.Cin, s.Cout);

    /// <summary>
    /// Shipped parameters. GPUs: 16×16 work-items sharing local-memory tiles, 8 channels × 2 columns each (the
    /// NVRTC resource test holds these to no spills and its occupancy floor). CPUs: one work-item per 32-pixel row
    /// segment × 16 channels in registers, no local memory, no barriers (on PoCL 16 channels took 13% less CPU time
    /// than 8, though they spill some accumulators). Either way a block no wider than the output's channels.
    /// </summary>
    public static KernelDefines Default(DeviceClass deviceClass, Conv2dShape s)
    {
        int channels = (int)BitOperations.RoundUpToPowerOf2((uint)s.Cout);
        return deviceClass == DeviceClass.Gpu
            ? Config(localTiles: 1, Math.Min(8, channels), px: 2, rows: 1, wgX: 16, wgY: 16)
            : Config(localTiles: 0, Math.Min(16, channels), px: s.Stride == 1 ? 32 : 16, rows: 1, wgX: 1, wgY: 1);
    }

    public static KernelDefines Config(int localTiles, int block, int px, int rows, int wgX, int wgY) => new KernelDefines()
        .With("LOCAL_TILES", localTiles).With("BLOCK", block).With("PX", px).With("ROWS", rows).With("WG_X", wgX).With("WG_Y", wgY);

    /// <summary>The tuning database's entry for the shape's class when it is legal here, else the device class's default.</summary>
    public static KernelDefines Parameters(KernelDevice k, Conv2dShape s) =>
        k.Tuning.Find(Space.Kernel, ShapeClass(s)) is { } tuned && Illegal(k, s, tuned.Parameters) is null
            ? tuned.Parameters
            : Default(k.Class, s);

    /// <summary>Why <paramref name="p"/> cannot run <paramref name="s"/> on <paramref name="k"/>, or null.</summary>
    public static string? Illegal(KernelDevice k, Conv2dShape s, KernelDefines p)
    {
        if (Space.Check(p) is { } invalid)
            return invalid;
        int Get(string name) => TuningSpace.Value(p, name);
        int threads = Get("WG_X") * Get("WG_Y");
        if (threads > k.MaxWorkGroupSize)
            return $"{threads} work-items per group; {k.Info.Id} allows {k.MaxWorkGroupSize}";
        if (Get("BLOCK") > Math.Max(1, (int)BitOperations.RoundUpToPowerOf2((uint)s.Cout)))
            return $"a block of {Get("BLOCK")} channels for {s.Cout} output channels";
        if (Get("LOCAL_TILES") == 0)
            return Get("BLOCK") * Get("PX") * Get("ROWS") > MaxAccumulators ? $"more than {MaxAccumulators} accumulators per work-item" : null;
        if (Get("ROWS") != 1)
            return "LOCAL_TILES=1 computes one row per work-item";
        if (Get("WG_X") % s.Stride != 0)
            return $"WG_X={Get("WG_X")} is not a multiple of stride {s.Stride}";
        if (Get("BLOCK") * Get("PX") > 64)
            return "more than 64 accumulators per work-item with LOCAL_TILES=1";
        return ChannelBytes(s, p) > LocalBudget(k) ? $"one channel's tiles need {ChannelBytes(s, p)} bytes of local memory; {k.Info.Id} offers {LocalBudget(k)}" : null;
    }

    /// <summary>All defines of one forward program: the shape's K and STRIDE, the parameters and, with local tiles, CHUNK.</summary>
    public static KernelDefines Defines(KernelDevice k, Conv2dShape s, KernelDefines p)
    {
        var defines = new KernelDefines(p.Values).With("K", s.K).With("STRIDE", s.Stride);
        if (TuningSpace.Value(p, "LOCAL_TILES") == 0)
            return defines;
        long perChannel = ChannelBytes(s, p), budget = LocalBudget(k);
        if (perChannel > budget)
            throw new NotSupportedException($"conv2d {s}: one channel's tiles need {perChannel} bytes of local memory but {k.Info.Id} offers {budget}");
        int chunk = MaxChunkChannels;
        while (chunk * perChannel > budget)
            chunk /= 2;
        return defines.With("CHUNK", chunk);
    }

    /// <summary>Local memory one summed-over channel takes with LOCAL_TILES=1: its input tile and BLOCK weight taps.</summary>
    private static long ChannelBytes(Conv2dShape s, KernelDefines p)
    {
        int tileW = TuningSpace.Value(p, "WG_X") * TuningSpace.Value(p, "PX"), tileH = TuningSpace.Value(p, "WG_Y");
        long inputTile = (long)((tileH - 1) * s.Stride + s.K) * ((tileW - 1) * s.Stride + s.K);
        return (inputTile + (long)TuningSpace.Value(p, "BLOCK") * s.K * s.K) * sizeof(float);
    }

    private static long LocalBudget(KernelDevice k) => Math.Min(k.LocalMemoryBytes, MaxStaticLocalBytes);
}
