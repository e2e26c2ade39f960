using SuperRes.Runtime.Tuning;
using SuperRes.Tensors.Tuning;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The tunable define of kernels/pooling.cl: the work-group size of the per-plane reductions (global average
/// pooling, channel mean and std, plane dot products), one group per plane. Keyed by the plane's size range.
/// </summary>
internal static class PoolingTuning
{
    public const string File = "pooling.cl";

    public static TuningSpace Space { get; } = new("plane_reduce",
    [
        ReductionGroup.Parameter("work-items per plane (a power of two: the group sums by a tree)"),
    ]);

    /// <summary>
    /// The shipped parameters: GPUs 256 work-items per plane, CPUs 32 (on PoCL, which saves every work-item's state
    /// at each barrier of the tree, 1.4× less CPU time on 256² planes and 5.8× on 32² ones).
    /// </summary>
    public static KernelDefines Default(DeviceClass deviceClass) => new KernelDefines().With("GROUP", deviceClass == DeviceClass.Gpu ? 256 : 32);

    public static string ShapeClass(int hw) => "plane " + ShapeClasses.Size(hw);

    /// <summary>The tuning database's entry for the plane size's class when it is legal here, else the default.</summary>
    public static KernelDefines Parameters(KernelDevice k, int hw) => k.Tuning.ParametersOr(Space.Kernel, ShapeClass(hw), p => Illegal(k, p), Default(k.Class));

    /// <summary>Why <paramref name="p"/> cannot run on <paramref name="k"/>, or null.</summary>
    public static string? Illegal(KernelDevice k, KernelDefines p) => ReductionGroup.Illegal(Space, k, p);
}
