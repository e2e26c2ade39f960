using SuperRes.Runtime.Tuning;
using SuperRes.Tensors.Tuning;

namespace SuperRes.Tensors.Primitives;

/// <summary>conv_transpose2d for <c>superres tune</c>: FSRCNN's deconvolution layers, measured on the forward pass.</summary>
internal sealed class ConvTranspose2dTunable : TunableKernel
{
    private static readonly TuningCase[] ZooCases =
    [
        Case("9x9/2 56→1 64x64 (FSRCNN x2)", 2),
        Case("9x9/3 56→1 42x42 (FSRCNN x3)", 3),
        Case("9x9/4 56→1 32x32 (FSRCNN x4)", 4),
    ];

    public override TuningSpace Space => ConvTranspose2dTuning.Space;

    public override IReadOnlyList<TuningCase> Cases => ZooCases;

    public override KernelDefines Default(KernelDevice device, TuningCase c) => ConvTranspose2dTuning.Default();

    public override string? Illegal(KernelDevice device, TuningCase c, KernelDefines parameters) =>
        ConvTranspose2dTuning.Illegal(device, Geometry(c), parameters);

    public override ITuningTrial Prepare(KernelDevice device, Device reference, TuningCase c)
    {
        var g = Geometry(c);
        return ConvolutionTrial.Create(device, reference, (g.InputLength, g.WeightLength, g.Cout, g.OutputLength), 2.0 * g.InputLength * g.Cout * g.K * g.K,
            (x, w, b, y) => ConvTranspose2d.Forward(g, x, w, b, y), (x, w, b, y, p) => ConvTranspose2dKernels.Forward(g, x, w, b, y, p));
    }

    private static ConvTranspose2dGeometry Geometry(TuningCase c) => (ConvTranspose2dGeometry)c.Shape;

    /// <summary>FSRCNN's last layer: 56 → 1 channels, 9×9, padding 4 and output padding stride − 1 (an output stride × the input).</summary>
    private static TuningCase Case(string label, int stride)
    {
        int side = 128 / stride;
        var g = new ConvTranspose2dGeometry(1, 56, side, side, 1, 9, stride, 4, stride - 1);
        return new TuningCase(label, ConvTranspose2dTuning.ShapeClass(g), g);
    }
}
