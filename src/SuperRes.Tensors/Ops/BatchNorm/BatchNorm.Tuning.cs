using SuperRes.Runtime.Tuning;
using SuperRes.Tensors.Tuning;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The tunable define of kernels/batch_norm.cl: the work-group size of the per-channel reductions (the batch
/// statistics and the backward's two sums), one group per channel. Keyed by the values per channel (batch·hw).
/// </summary>
internal static class BatchNormTuning
{
    public const string File = "batch_norm.cl";

    public static TuningSpace Space { get; } = new("batch_norm",
    [
        ReductionGroup.Parameter("work-items per channel (a power of two: the group sums by a tree)"),
    ]);

    /// <summary>The shipped parameters: 256 work-items per channel on both device classes.</summary>
    public static KernelDefines Default(DeviceClass deviceClass) => new KernelDefines().With(ReductionGroup.Name, 256);

    public static string ShapeClass(long perChannel) => "channel " + ShapeClasses.Size(perChannel);

    /// <summary>The tuning database's entry for the class of <paramref name="perChannel"/> values when it is legal here, else the default.</summary>
    public static KernelDefines Parameters(KernelDevice k, long perChannel) =>
        k.Tuning.ParametersOr(Space.Kernel, ShapeClass(perChannel), p => Illegal(k, p), Default(k.Class));

    /// <summary>Why <paramref name="p"/> cannot run on <paramref name="k"/>, or null.</summary>
    public static string? Illegal(KernelDevice k, KernelDefines p) => ReductionGroup.Illegal(Space, k, p);
}
