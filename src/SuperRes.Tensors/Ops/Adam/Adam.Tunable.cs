using SuperRes.Runtime.Tuning;
using SuperRes.Tensors.Tuning;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The gradient norm's sums for <c>superres tune</c>: one parameter tensor's sum of squares and the clipping
/// coefficient from it, over the sizes of the zoo's parameter tensors.
/// </summary>
internal sealed class AdamNormTunable : TunableKernel
{
    private const float MaxNorm = 1f;

    private static readonly TuningCase[] ZooCases =
    [
        Case("64 values (a layer's bias)", 64),
        Case("36,864 values (a 3x3 64→64 convolution: EDSR, SRResNet, RCAN bodies)", 64L * 64 * 9),
        Case("147,456 values (a 3x3 64→256 convolution: the upsamplers)", 64L * 256 * 9),
        Case("18,874,368 values (the SRGAN discriminator's dense 18432→1024)", 18432L * 1024),
    ];

    public override TuningSpace Space => AdamNormTuning.Space;

    public override IReadOnlyList<TuningCase> Cases => ZooCases;

    public override KernelDefines Default(KernelDevice device, TuningCase c) => AdamNormTuning.Default(device.Class);

    public override string? Illegal(KernelDevice device, TuningCase c, KernelDefines parameters) => AdamNormTuning.Illegal(device, parameters);

    public override ITuningTrial Prepare(KernelDevice device, Device reference, TuningCase c) => Trial(device, reference, (long)c.Shape);

    /// <summary>Input a gradient of <paramref name="n"/> values; outputs Σ g² and the clipping coefficient and norm from it; 2 operations per value.</summary>
    internal static OpTrial Trial(KernelDevice device, Device reference, long n) =>
        new(device, reference, OpTrial.RandomInputs(n), [1, 2], 2.0 * n,
            (i, o) =>
            {
                GradientNorm.SumOfSquares(i[0], n, o[0], 0);
                GradientNorm.ClipCoefficient(o[0], 1, MaxNorm, o[1]);
            },
            (i, o, p) =>
            {
                AdamKernels.SumOfSquares(i[0], n, o[0], 0, p);
                AdamKernels.ClipCoefficient(o[0], 1, MaxNorm, o[1], p);
            });

    private static TuningCase Case(string label, long n) => new(label, AdamNormTuning.ShapeClass(n), n);
}
