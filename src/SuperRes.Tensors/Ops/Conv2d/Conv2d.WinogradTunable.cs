using SuperRes.Runtime.Tuning;
using SuperRes.Tensors.Tuning;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The Winograd forward (<see cref="Conv2dWinogradKernels"/>) for <c>superres tune</c>: the zoo's layers it runs, one
/// per shape class (the classes of <see cref="Conv2dForwardTuning.ShapeClass"/>). A run is the steady state of
/// inference: the weights are transformed once per parameter set and kept, as they are between calls.
/// </summary>
internal sealed class Conv2dWinogradTunable : TunableKernel
{
    private static readonly TuningCase[] ZooCases =
    [
        Case("3x3 64→64 96x96 (EDSR, SRResNet, RCAN body)", 64, 96, 64),
        Case("3x3 64→256 96x96 (x2/x4 upsampler)", 64, 96, 256),
        Case("3x3 64→3 128x128 (tail)", 64, 128, 3),
    ];

    public override TuningSpace Space => Conv2dWinogradTuning.Space;

    public override IReadOnlyList<TuningCase> Cases => ZooCases;

    public override KernelDefines Default(KernelDevice device, TuningCase c) => Conv2dWinogradTuning.Default(device.Class);

    public override string? Illegal(KernelDevice device, TuningCase c, KernelDefines parameters) => Conv2dWinogradTuning.Illegal(device, parameters);

    public override ITuningTrial Prepare(KernelDevice device, Device reference, TuningCase c)
    {
        var s = (Conv2dShape)c.Shape;
        return ConvolutionTrial.Create(device, reference, (s.InputLength, s.WeightLength, s.Cout, s.OutputLength), 2.0 * s.OutputLength * s.Cin * s.K * s.K,
            (x, w, b, y) => Conv2d.Forward(s, x, w, b, y),
            (x, w, b, y, p) => Conv2dWinogradKernels.Forward(s, x, w, new DeviceConvEpilogue(b), y, p));
    }

    private static TuningCase Case(string label, int cin, int side, int cout)
    {
        var shape = new Conv2dShape(1, cin, side, side, cout, 3, 1, PaddingMode.Zeros);
        return new TuningCase(label, Conv2dForwardTuning.ShapeClass(shape), shape);
    }
}
