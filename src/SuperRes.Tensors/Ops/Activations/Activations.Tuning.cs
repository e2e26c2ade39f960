using SuperRes.Runtime.Tuning;
using SuperRes.Tensors.Tuning;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The tunable shape of PReLU's slope gradient (kernels/activations.cl): the work-group size, a define shared by
/// both passes, and the values per work-item, which sets how many chunks (groups) a slope's values are split
/// into before the second pass adds the chunks up. Keyed by the values per slope.
/// </summary>
internal static class PreluSlopeTuning
{
    public const string File = "activations.cl";

    /// <summary>The most chunks per slope: the second pass sums them in one group.</summary>
    public const int MaxChunks = 256;

    public static TuningSpace Space { get; } = new("prelu_slope",
    [
        ReductionGroup.Parameter("work-items per group of both passes (a power of two: the group sums by a tree)"),
        new("ITEMS", [4, 16, 64, 256], "values per work-item: a slope's values are split into count / (GROUP·ITEMS) chunks, 1 to 256"),
    ]);

    /// <summary>The shipped parameters: 256 work-items, 16 values each, on both device classes.</summary>
    public static KernelDefines Default(DeviceClass deviceClass) => new KernelDefines().With(ReductionGroup.Name, 256).With("ITEMS", 16);

    public static string ShapeClass(long perSlope) => "slope " + ShapeClasses.Size(perSlope);

    /// <summary>The tuning database's entry for the class of <paramref name="perSlope"/> values when it is legal here, else the default.</summary>
    public static KernelDefines Parameters(KernelDevice k, long perSlope) =>
        k.Tuning.ParametersOr(Space.Kernel, ShapeClass(perSlope), p => Illegal(k, p), Default(k.Class));

    /// <summary>Why <paramref name="p"/> cannot run on <paramref name="k"/>, or null.</summary>
    public static string? Illegal(KernelDevice k, KernelDefines p) => ReductionGroup.Illegal(Space, k, p);

    /// <summary>The chunks each slope's <paramref name="perSlope"/> values are split into.</summary>
    public static long Chunks(KernelDefines p, long perSlope) =>
        Math.Clamp(perSlope / ((long)TuningSpace.Value(p, ReductionGroup.Name) * TuningSpace.Value(p, "ITEMS")), 1, MaxChunks);
}
