using SuperRes.Runtime.Tuning;
using SuperRes.Tensors.Tuning;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The tunable shape of the gradient norm's sums (kernels/adam.cl, for gradient clipping): the two-pass sum of
/// squares of one tensor and the one-group sum of the per-tensor sums, as <see cref="ReduceTuning"/> has it for
/// reduce.cl: the work-group size, a define, and the most groups of the first pass. Keyed by the summed length's
/// size range (a parameter tensor's size; the tensor count for the clipping coefficient).
/// </summary>
internal static class AdamNormTuning
{
    public const string File = "adam.cl";

    /// <summary>reduce's parameters (<see cref="ReduceTuning"/>) under the kernel's own name: its database entries are its own.</summary>
    public static TuningSpace Space { get; } = new("adam_norm", ReduceTuning.Space.Parameters);

    /// <summary>The shipped parameters, reduce's, the same for both device classes: 256 work-items, at most 1024 partial sums.</summary>
    public static KernelDefines Default(DeviceClass deviceClass) => ReduceTuning.Default();

    public static string ShapeClass(long n) => ShapeClasses.Size(n);

    /// <summary>The tuning database's entry for the length's class when it is legal here, else the default.</summary>
    public static KernelDefines Parameters(KernelDevice k, long n) => k.Tuning.ParametersOr(Space.Kernel, ShapeClass(n), p => Illegal(k, p), Default(k.Class));

    /// <summary>Why <paramref name="p"/> cannot run on <paramref name="k"/>, or null.</summary>
    public static string? Illegal(KernelDevice k, KernelDefines p) => ReductionGroup.Illegal(Space, k, p);
}
