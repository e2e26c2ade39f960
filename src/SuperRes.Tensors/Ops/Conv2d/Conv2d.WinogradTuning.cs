using SuperRes.Runtime.Tuning;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The tunable defines of the Winograd forward: kernels/conv2d_winograd.cl's matrix product (its register block and
/// work-group width) and kernels/conv2d_winograd_transforms.cl's input transform (tiles per work-item), their legal
/// values, the shipped defaults per device class and the rule that rejects what a device cannot run. The tuning
/// database's entry for <c>conv2d_winograd</c> and the shape's class overrides the defaults. Each file is built with
/// only the defines it reads, so a change of one parameter rebuilds one of them.
/// </summary>
internal static class Conv2dWinogradTuning
{
    public const string ProductFile = "conv2d_winograd.cl";
    public const string TransformsFile = "conv2d_winograd_transforms.cl";

    public static TuningSpace Space { get; } = new("conv2d_winograd",
    [
        new("BM", [1, 2, 4, 8, 16], "output channels per work-item"),
        new("BN", [1, 2, 4, 8, 16, 32], "tiles per work-item, WG_X apart"),
        new("WG_X", [1, 2, 4, 8, 16, 32, 64, 128], "work-items per group of the product"),
        new("TI", [1, 2, 4, 8, 16], "tiles of one row per work-item of the input transform (16: float16 lanes in OpenCL)"),
        new("TO", [1, 16], "tiles of one row per work-item of the output transform (16: float16 lanes in OpenCL)"),
    ]);

    /// <summary>Most accumulators one work-item may hold (BM·BN): more spill on every device.</summary>
    private const int MaxAccumulators = 512;

    /// <summary>
    /// Shipped parameters. CPUs: one work-item per 8 channels × 32 contiguous tiles of the product, two float16 vectors
    /// per channel (on PoCL 8 channels took less CPU time than 16, which spill), and 16 tiles of a row per work-item of
    /// the transforms, as float16 lanes (3× less CPU time for the input transform on PoCL than one tile per work-item,
    /// whose strided loads became gathers); GPUs: 64 work-items per group, 4 × 4 each, their tiles coalesced, and one
    /// tile per transform work-item.
    /// </summary>
    public static KernelDefines Default(DeviceClass deviceClass) =>
        deviceClass == DeviceClass.Gpu ? Config(bm: 4, bn: 4, wgX: 64, ti: 1, to: 1) : Config(bm: 8, bn: 32, wgX: 1, ti: 16, to: 16);

    /// <summary>The defines of the matrix product's program.</summary>
    public static KernelDefines ProductDefines(KernelDefines p) =>
        new KernelDefines().With("BM", TuningSpace.Value(p, "BM")).With("BN", TuningSpace.Value(p, "BN")).With("WG_X", TuningSpace.Value(p, "WG_X"));

    /// <summary>The defines of the transforms' program.</summary>
    public static KernelDefines TransformDefines(KernelDefines p) => new KernelDefines().With("TI", TuningSpace.Value(p, "TI"));

    public static KernelDefines Config(int bm, int bn, int wgX, int ti, int to) =>
        new KernelDefines().With("BM", bm).With("BN", bn).With("WG_X", wgX).With("TI", ti).With("TO", to);

    public static KernelDefines Parameters(KernelDevice k, Conv2dShape s) =>
        k.Tuning.Find(Space.Kernel, Conv2dForwardTuning.ShapeClass(s)) is { } tuned && Illegal(k, tuned.Parameters) is null
            ? tuned.Parameters
            : Default(k.Class);

    /// <summary>Why <paramref name="p"/> cannot run on <paramref name="k"/>, or null.</summary>
    public static string? Illegal(KernelDevice k, KernelDefines p)
    {
        if (Space.Check(p) is { } invalid)
            return invalid;
        int Get(string name) => TuningSpace.Value(p, name);
        if (Get("WG_X") > k.MaxWorkGroupSize)
            return $"{Get("WG_X")} work-items per group; {k.Info.Id} allows {k.MaxWorkGroupSize}";
        return Get("BM") * Get("BN") > MaxAccumulators ? $"more than {MaxAccumulators} accumulators per work-item" : null;
    }
}
