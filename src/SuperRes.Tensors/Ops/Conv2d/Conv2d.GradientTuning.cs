using System.Numerics;
using SuperRes.Runtime.Tuning;
using SuperRes.Tensors.Tuning;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The tunable defines of kernels/conv2d.cl — one program for the input, weight and bias gradients, tuned on the
/// three together (a training step runs all of them) — their legal values, the rule that rejects combinations a
/// shape or device cannot run, and the shipped defaults. Entries share conv2d_forward's shape classes.
/// </summary>
internal static class Conv2dGradientTuning
{
    public const string File = "conv2d.cl";

    public static TuningSpace Space { get; } = new("conv2d_backward",
    [
        new("TILE_W", [8, 16, 32, 64], "input-gradient columns per work-group"),
        new("TILE_H", [1, 2, 4, 8, 16, 32], "input-gradient rows per work-group"),
        new("PX", [1, 2, 4], "input-gradient columns per work-item (TILE_W / PX work-items per row)"),
        new("BLOCK", [1, 2, 4, 8, 16], "channels per work-item: input channels of the input gradient, output channels of the weight gradient"),
        new("WCOLS", [16, 32, 64, 128], "weight-gradient columns (ci, ky, kx) per work-group"),
        new("MSTEP", [8, 16, 32, 64], "pixels the weight gradient stages in local memory per step"),
    ]);

    /// <summary>Most accumulators (BLOCK·PX) one work-item of the input gradient holds: more spill on GPUs.</summary>
    private const int MaxAccumulators = 64;

    /// <summary>Most summed-over channels the input gradient stages per step.</summary>
    private const int MaxChunkChannels = 8;

    /// <summary>CUDA caps statically sized shared memory at 48 KiB whatever the device offers.</summary>
    private const long MaxStaticLocalBytes = 48 * 1024;

    /// <summary>
    /// The shipped parameters: 32×16 tiles, 8 channels per work-item, 64 weight columns, 32 pixels per step; GPUs
    /// 2 columns per work-item (256 work-items), CPUs 4 (128: on PoCL 7–20% less CPU time over the six shapes of
    /// <see cref="Conv2dBackwardTunable"/>, since PoCL saves every work-item's state at each barrier). BLOCK is one
    /// size for every layer: a smaller block for 1- or 3-channel layers would save work there but double the
    /// programs every device builds (slow on PoCL).
    /// </summary>
    public static KernelDefines Default(DeviceClass deviceClass) =>
        Config(tileW: 32, tileH: 16, px: deviceClass == DeviceClass.Gpu ? 2 : 4, block: 8, wcols: 64, mstep: 32);

    public static KernelDefines Config(int tileW, int tileH, int px, int block, int wcols, int mstep) => new KernelDefines()
        .With("TILE_W", tileW).With("TILE_H", tileH).With("PX", px).With("BLOCK", block).With("WCOLS", wcols).With("MSTEP", mstep);

    /// <summary>The tuning database's entry for the shape's class when it is legal here, else the device class's default.</summary>
    public static KernelDefines Parameters(KernelDevice k, Conv2dShape s) =>
        k.Tuning.ParametersOr(Space.Kernel, Conv2dForwardTuning.ShapeClass(s), p => Illegal(k, s, p), Default(k.Class));

    /// <summary>Work-items per group of every kernel of the program: TILE_W / PX · TILE_H.</summary>
    public static int Threads(KernelDefines p) => TuningSpace.Value(p, "TILE_W") / TuningSpace.Value(p, "PX") * TuningSpace.Value(p, "TILE_H");

    /// <summary>Why <paramref name="p"/> cannot run <paramref name="s"/> on <paramref name="k"/>, or null.</summary>
    public static string? Illegal(KernelDevice k, Conv2dShape s, KernelDefines p)
    {
        if (Space.Check(p) is { } invalid)
            return invalid;
        int Get(string name) => TuningSpace.Value(p, name);
        int threads = Threads(p);
        if (threads > k.MaxWorkGroupSize)
            return $"{threads} work-items per group; {k.Info.Id} allows {k.MaxWorkGroupSize}";
        if (threads % Get("WCOLS") != 0)
            return $"{threads} work-items per group is not a multiple of WCOLS={Get("WCOLS")}";
        if (threads < Get("MSTEP"))
            return $"{threads} work-items per group cannot stage MSTEP={Get("MSTEP")} pixels";
        if (Get("TILE_W") / Get("PX") % s.Stride != 0)
            return $"TILE_W / PX = {Get("TILE_W") / Get("PX")} work-items per row is not a multiple of stride {s.Stride}";
        if (Get("BLOCK") > Math.Max(1, (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(s.Cin, s.Cout))))
            return $"a block of {Get("BLOCK")} channels for {s.Cin}→{s.Cout} channels";
        if (Get("BLOCK") * Get("PX") > MaxAccumulators)
            return $"more than {MaxAccumulators} accumulators per work-item";
        long budget = LocalBudget(k);
        if (InputGradChannelBytes(s, p) > budget)
            return $"one channel's input-gradient tiles need {InputGradChannelBytes(s, p)} bytes of local memory; {k.Info.Id} offers {budget}";
        return WeightGradBytes(p) > budget ? $"the weight gradient needs {WeightGradBytes(p)} bytes of local memory; {k.Info.Id} offers {budget}" : null;
    }

    /// <summary>All defines of one program: the shape's K and STRIDE, the parameters, and CHUNK, the most summed-over channels whose tiles fit.</summary>
    public static KernelDefines Defines(KernelDevice k, Conv2dShape s, KernelDefines p)
    {
        long perChannel = InputGradChannelBytes(s, p), budget = LocalBudget(k);
        if (perChannel > budget)
            throw new NotSupportedException($"conv2d {s}: one channel's tiles need {perChannel} bytes of local memory but {k.Info.Id} offers {budget}");
        int chunk = MaxChunkChannels;
        while (chunk * perChannel > budget)
            chunk /= 2;
        return new KernelDefines(p.Values).With("K", s.K).With("STRIDE", s.Stride).With("CHUNK", chunk);
    }

    /// <summary>Local memory one summed-over channel of the input gradient takes: its tile of output gradients and BLOCK weight taps.</summary>
    private static long InputGradChannelBytes(Conv2dShape s, KernelDefines p)
    {
        int tileW = TuningSpace.Value(p, "TILE_W"), tileH = TuningSpace.Value(p, "TILE_H");
        long gradientTile = (long)((tileH + s.K - 2) / s.Stride + 1) * ((tileW + s.K - 2) / s.Stride + 1);
        return (gradientTile + (long)TuningSpace.Value(p, "BLOCK") * s.K * s.K) * sizeof(float);
    }

    /// <summary>The weight gradient's local arrays: the staged x columns and gy rows, the streams' sums, the pixels' coordinates.</summary>
    private static long WeightGradBytes(KernelDefines p)
    {
        long mstep = TuningSpace.Value(p, "MSTEP"), block = TuningSpace.Value(p, "BLOCK");
        return (mstep * (TuningSpace.Value(p, "WCOLS") + 1) + block * mstep + block * Threads(p) + 3 * mstep) * sizeof(float);
    }

    private static long LocalBudget(KernelDevice k) => Math.Min(k.LocalMemoryBytes, MaxStaticLocalBytes);
}
