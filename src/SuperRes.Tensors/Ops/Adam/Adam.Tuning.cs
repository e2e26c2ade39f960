using SuperRes.Runtime.Tuning;
using SuperRes.Tensors.Tuning;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The tunable shape of the gradient norm's sums (kernels/adam.cl, for gradient clipping): the two-pass sum of
/// squares of one tensor and the one-group sum of the per-tensor sums, as <see cref="ReduceTuning"/> has it for
/// reduce.cl: the work-group size, a define, and the most groups of the first pass. Keyed by the summed length's
/// size range (a parameter tensor's size; the parameter count for the last sum).
/// </summary>
internal static class AdamNormTuning
{
    public const string File = "adam.cl";

    public static TuningSpace Space { get; } = new("adam_norm",
    [
        ReductionGroup.Parameter("work-items per group (a power of two: the group sums by a tree)"),
        new("GROUPS", [16, 64, 256, 1024, 4096], "most groups of the first pass (each folds a grid-strided share into one partial sum)"),
    ]);

    /// <summary>The shipped parameters, the same for both device classes: 256 work-items, at most 1024 partial sums.</summary>
    public static KernelDefines Default(DeviceClass deviceClass) => new KernelDefines().With(ReductionGroup.Name, 256).With("GROUPS", 1024);

    public static string ShapeClass(long n) => ShapeClasses.Size(n);

    /// <summary>The tuning database's entry for the length's class when it is legal here, else the default.</summary>
    public static KernelDefines Parameters(KernelDevice k, long n) => k.Tuning.ParametersOr(Space.Kernel, ShapeClass(n), p => Illegal(k, p), Default(k.Class));

    /// <summary>Why <paramref name="p"/> cannot run on <paramref name="k"/>, or null.</summary>
    public static string? Illegal(KernelDevice k, KernelDefines p) => ReductionGroup.Illegal(Space, k, p);
}
