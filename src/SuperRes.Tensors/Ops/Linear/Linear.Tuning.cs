using SuperRes.Runtime.Tuning;
using SuperRes.Tensors.Tuning;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The tunable defines of kernels/linear.cl — one tiled product for the forward pass and both gradients, tuned on
/// the three together — their legal values and the shipped defaults. Keyed by the size ranges of the in and out features.
/// </summary>
internal static class LinearTuning
{
    public const string File = "linear.cl";

    public static TuningSpace Space { get; } = new("linear",
    [
        new("TILE", [4, 8, 16, 32], "the TILE×TILE tile of the product one work-group computes, and the depth it stages per step"),
        new("WPT", [1, 2, 4, 8], "values of the tile per work-item (TILE/WPT work-items along its rows)"),
    ]);

    /// <summary>CUDA caps statically sized shared memory at 48 KiB whatever the device offers.</summary>
    private const long MaxStaticLocalBytes = 48 * 1024;

    /// <summary>
    /// The shipped parameters: 16×16 tiles; GPUs one value per work-item, CPUs 4 (64 work-items per group: on PoCL,
    /// which saves every work-item's state at each barrier, 1.6× less CPU time on the SRGAN discriminator's layer).
    /// </summary>
    public static KernelDefines Default(DeviceClass deviceClass) => new KernelDefines().With("TILE", 16).With("WPT", deviceClass == DeviceClass.Gpu ? 1 : 4);

    public static string ShapeClass(int inFeatures, int outFeatures) => $"{ShapeClasses.Size(inFeatures)}→{ShapeClasses.Size(outFeatures)}";

    /// <summary>The tuning database's entry for the layer's class when it is legal here, else the default.</summary>
    public static KernelDefines Parameters(KernelDevice k, int inFeatures, int outFeatures) =>
        k.Tuning.ParametersOr(Space.Kernel, ShapeClass(inFeatures, outFeatures), p => Illegal(k, p), Default(k.Class));

    /// <summary>Why <paramref name="p"/> cannot run on <paramref name="k"/>, or null.</summary>
    public static string? Illegal(KernelDevice k, KernelDefines p)
    {
        if (Space.Check(p) is { } invalid)
            return invalid;
        int tile = TuningSpace.Value(p, "TILE"), wpt = TuningSpace.Value(p, "WPT");
        if (wpt > tile)
            return $"WPT={wpt} rows per work-item in a tile of {tile}";
        if (tile * (tile / wpt) > k.MaxWorkGroupSize)
            return $"{tile * (tile / wpt)} work-items per group; {k.Info.Id} allows {k.MaxWorkGroupSize}";
        long bytes = 2L * tile * (tile + 1) * sizeof(float), budget = Math.Min(k.LocalMemoryBytes, MaxStaticLocalBytes);
        return bytes > budget ? $"{bytes} bytes of local memory; {k.Info.Id} offers {budget}" : null;
    }
}
