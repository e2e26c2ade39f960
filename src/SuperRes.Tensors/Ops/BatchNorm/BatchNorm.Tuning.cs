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

    /// <summary>
    /// The shipped parameters: GPUs 256 work-items per channel, CPUs 32 (on PoCL, which saves every work-item's state
    /// at each barrier of the tree, 1.3× less CPU time on SRResNet's 16×64×24² and 5.5× on the discriminator's 16×512×6²).
    /// </summary>
    public static KernelDefines Default(DeviceClass deviceClass) => new KernelDefines().With(ReductionGroup.Name, deviceClass == DeviceClass.Gpu ? 256 : 32);

    public static string ShapeClass(long perChannel) => "channel " + ShapeClasses.Size(perChannel);

    /// <summary>The tuning database's entry for the class of <paramref name="perChannel"/> values when it is legal here, else the default.</summary>
    public static KernelDefines Parameters(KernelDevice k, long perChannel) =>
        k.Tuning.ParametersOr(Space.Kernel, ShapeClass(perChannel), p => Illegal(k, p), Default(k.Class));

    /// <summary>Why <paramref name="p"/> cannot run on <paramref name="k"/>, or null.</summary>
    public static string? Illegal(KernelDevice k, KernelDefines p) => ReductionGroup.Illegal(Space, k, p);
}
