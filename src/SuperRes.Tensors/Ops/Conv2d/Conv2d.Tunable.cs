using SuperRes.Runtime.Tuning;
using SuperRes.Tensors.Tuning;

namespace SuperRes.Tensors.Primitives;

/// <summary>conv2d's forward kernel for <c>superres tune</c>: the zoo's layer shapes, one per shape class.</summary>
internal sealed class Conv2dForwardTunable : TunableKernel
{
    private static readonly TuningCase[] ZooCases =
    [
        Case("3x3 64→64 96x96 (EDSR, SRResNet, RCAN body)", 64, 96, 64, 3),
        Case("3x3 64→256 96x96 (x2/x4 upsampler)", 64, 96, 256, 3),
        Case("3x3 3→64 128x128 (head)", 3, 128, 64, 3),
        Case("3x3 64→3 128x128 (tail)", 64, 128, 3, 3),
        Case("5x5 1→56 128x128 (FSRCNN feature extraction)", 1, 128, 56, 5),
        Case("1x1 56→12 128x128 (FSRCNN shrink)", 56, 128, 12, 1),
        Case("3x3 12→12 128x128 (FSRCNN mapping)", 12, 128, 12, 3),
        Case("1x1 12→56 128x128 (FSRCNN expand)", 12, 128, 56, 1),
        Case("9x9 1→64 128x128 (SRCNN)", 1, 128, 64, 9),
        Case("3x3/2 64→64 96x96 (SRGAN discriminator)", 64, 96, 64, 3, stride: 2),
    ];

    public override TuningSpace Space => Conv2dForwardTuning.Space;

    public override IReadOnlyList<TuningCase> Cases => ZooCases;

    public override KernelDefines Default(KernelDevice device, TuningCase c) => Conv2dForwardTuning.Default(device.Class, Shape(c));

    public override string? Illegal(KernelDevice device, TuningCase c, KernelDefines parameters) =>
        Conv2dForwardTuning.Illegal(device, Shape(c), parameters);

    public override ITuningTrial Prepare(KernelDevice device, Device reference, TuningCase c)
    {
        var s = Shape(c);
        return ConvolutionTrial.Create(device, reference, (s.InputLength, s.WeightLength, s.Cout, s.OutputLength), 2.0 * s.OutputLength * s.Cin * s.K * s.K,
            (x, w, b, y) => Conv2d.Forward(s, x, w, b, y), (x, w, b, y, p) => Conv2dKernels.Forward(s, x, w, b, y, p));
    }

    private static Conv2dShape Shape(TuningCase c) => (Conv2dShape)c.Shape;

    private static TuningCase Case(string label, int cin, int side, int cout, int k, int stride = 1)
    {
        var shape = new Conv2dShape(1, cin, side, side, cout, k, stride, PaddingMode.Zeros);
        return new TuningCase(label, Conv2dForwardTuning.ShapeClass(shape), shape);
    }
}
