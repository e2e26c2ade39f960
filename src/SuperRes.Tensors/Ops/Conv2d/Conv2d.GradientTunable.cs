using SuperRes.Runtime.Tuning;
using SuperRes.Tensors.Tuning;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// conv2d's gradients for <c>superres tune</c>: the input, weight and bias gradients of the zoo's trained layer
/// shapes, timed and checked together (one program serves all three).
/// </summary>
internal sealed class Conv2dBackwardTunable : TunableKernel
{
    private static readonly TuningCase[] ZooCases =
    [
        Case("3x3 64→64 2x32x32 (EDSR, SRResNet, RCAN body)", 64, 64, 3),
        Case("3x3 64→256 2x32x32 (x2/x4 upsampler)", 64, 256, 3),
        Case("3x3 3→64 2x32x32 (head)", 3, 64, 3),
        Case("3x3 64→3 2x32x32 (tail)", 64, 3, 3),
        Case("5x5 1→56 2x32x32 (FSRCNN feature extraction)", 1, 56, 5),
        Case("3x3 12→12 2x32x32 (FSRCNN mapping)", 12, 12, 3),
    ];

    public override TuningSpace Space => Conv2dGradientTuning.Space;

    public override IReadOnlyList<TuningCase> Cases => ZooCases;

    public override KernelDefines Default(KernelDevice device, TuningCase c) => Conv2dGradientTuning.Default(device.Class);

    public override string? Illegal(KernelDevice device, TuningCase c, KernelDefines parameters) =>
        Conv2dGradientTuning.Illegal(device, Shape(c), parameters);

    public override ITuningTrial Prepare(KernelDevice device, Device reference, TuningCase c) => Trial(device, reference, Shape(c));

    /// <summary>Inputs x, weight, gy; outputs gx, gw, gb; two multiply-adds per output, input channel and tap (the bias gradient is noise).</summary>
    internal static OpTrial Trial(KernelDevice device, Device reference, Conv2dShape s) =>
        new(device, reference, OpTrial.RandomInputs(s.InputLength, s.WeightLength, s.OutputLength), [s.InputLength, s.WeightLength, s.Cout],
            2 * 2.0 * s.OutputLength * s.Cin * s.K * s.K,
            (i, o) =>
            {
                Conv2d.InputGrad(s, i[2], i[1], o[0]);
                Conv2d.WeightGrad(s, i[0], i[2], o[1]);
                Conv2d.BiasGrad(s, i[2], o[2]);
            },
            (i, o, p) =>
            {
                Conv2dKernels.InputGrad(s, i[2], i[1], o[0], p);
                Conv2dKernels.WeightGrad(s, i[0], i[2], o[1], p);
                Conv2dKernels.BiasGrad(s, i[2], o[2], p);
            });

    private static Conv2dShape Shape(TuningCase c) => (Conv2dShape)c.Shape;

    private static TuningCase Case(string label, int cin, int cout, int k)
    {
        var shape = new Conv2dShape(2, cin, 32, 32, cout, k, 1, PaddingMode.Zeros);
        return new TuningCase(label, Conv2dForwardTuning.ShapeClass(shape), shape);
    }
}
