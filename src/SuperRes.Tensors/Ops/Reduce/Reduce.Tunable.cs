using SuperRes.Runtime.Tuning;
using SuperRes.Tensors.Tuning;

namespace SuperRes.Tensors.Primitives;

/// <summary>The two-pass sums for <c>superres tune</c>, measured on the L1 loss (a first pass with the loss term fused in, then reduce.cl's).</summary>
internal sealed class ReduceTunable : TunableKernel
{
    private static readonly TuningCase[] ZooCases =
    [
        Case("L1 loss 16x3x64x64 (x2 training batch)", 16L * 3 * 64 * 64),
        Case("L1 loss 1x3x1024x1024 (a megapixel image)", 3L * 1024 * 1024),
    ];

    public override TuningSpace Space => ReduceTuning.Space;

    public override IReadOnlyList<TuningCase> Cases => ZooCases;

    public override KernelDefines Default(KernelDevice device, TuningCase c) => ReduceTuning.Default();

    public override string? Illegal(KernelDevice device, TuningCase c, KernelDefines parameters) => ReduceTuning.Illegal(device, parameters);

    public override ITuningTrial Prepare(KernelDevice device, Device reference, TuningCase c) => Trial(device, reference, (long)c.Shape);

    /// <summary>Inputs prediction and target of <paramref name="n"/> values; output the mean |p − t|; 3 operations per value.</summary>
    internal static OpTrial Trial(KernelDevice device, Device reference, long n) =>
        new(device, reference, OpTrial.RandomInputs(n, n), [1], 3.0 * n,
            (i, o) => Losses.L1(i[0], i[1], n, o[0]),
            (i, o, p) => LossesKernels.Mean(Losses.Kind.L1, i[0], i[1], n, o[0], p));

    private static TuningCase Case(string label, long n) => new(label, ReduceTuning.ShapeClass(n), n);
}
