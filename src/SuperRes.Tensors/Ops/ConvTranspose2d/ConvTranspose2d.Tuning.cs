using SuperRes.Runtime.Tuning;
using SuperRes.Tensors.Tuning;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The tunable defines of kernels/conv_transpose2d.cl — one program for the forward pass and the three gradients, so
/// the values tuned on the forward pass serve all four — their legal values and the shipped defaults.
/// </summary>
internal static class ConvTranspose2dTuning
{
    public const string File = "conv_transpose2d.cl";

    public static TuningSpace Space { get; } = new("conv_transpose2d",
    [
        new("GROUP", [32, 64, 128, 256, 512], "work-items per group (a power of two: the weight and bias gradients reduce over it)"),
        new("TILE_C", [1, 2, 4, 8, 16, 32], "channels whose weight taps a group stages in local memory at a time"),
    ]);

    /// <summary>CUDA caps statically sized shared memory at 48 KiB whatever the device offers.</summary>
    private const long MaxStaticLocalBytes = 48 * 1024;

    public static string ShapeClass(ConvTranspose2dGeometry g) => ShapeClasses.Convolution(g.K, g.Stride, g.Cin, g.Cout);

    /// <summary>The shipped parameters, the same for both classes: 256 work-items, 8 channels of taps per step.</summary>
    public static KernelDefines Default() => new KernelDefines().With("GROUP", 256).With("TILE_C", 8);

    /// <summary>The tuning database's entry for the shape's class when it is legal here, else the default.</summary>
    public static KernelDefines Parameters(KernelDevice k, ConvTranspose2dGeometry g) =>
        k.Tuning.Find(Space.Kernel, ShapeClass(g)) is { } tuned && Illegal(k, g, tuned.Parameters) is null ? tuned.Parameters : Default();

    /// <summary>Why <paramref name="p"/> cannot run <paramref name="g"/> on <paramref name="k"/>, or null.</summary>
    public static string? Illegal(KernelDevice k, ConvTranspose2dGeometry g, KernelDefines p)
    {
        if (Space.Check(p) is { } invalid)
            return invalid;
        int group = TuningSpace.Value(p, "GROUP"), tile = TuningSpace.Value(p, "TILE_C");
        if (group > k.MaxWorkGroupSize)
            return $"{group} work-items per group; {k.Info.Id} allows {k.MaxWorkGroupSize}";
        // The largest local array of the file: the weight gradient's K·GROUP partial sums, or TILE_C channels of taps.
        long bytes = Math.Max((long)g.K * group, (long)tile * g.K * g.K) * sizeof(float);
        long budget = Math.Min(k.LocalMemoryBytes, MaxStaticLocalBytes);
        return bytes > budget ? $"{bytes} bytes of local memory; {k.Info.Id} offers {budget}" : null;
    }

    /// <summary>All defines of one program: the shape's K and STRIDE and the parameters.</summary>
    public static KernelDefines Defines(ConvTranspose2dGeometry g, KernelDefines p) =>
        new KernelDefines(p.Values).With("K", g.K).With("STRIDE", g.Stride);
}
