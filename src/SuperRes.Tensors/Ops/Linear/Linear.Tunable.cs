using SuperRes.Runtime.Tuning;
using SuperRes.Tensors.Tuning;

namespace SuperRes.Tensors.Primitives;

/// <summary>linear.cl for <c>superres tune</c>: the forward pass and both gradients of the SRGAN discriminator's dense layer, together.</summary>
internal sealed class LinearTunable : TunableKernel
{
    private static readonly TuningCase[] ZooCases =
    [
        Case("16x4608→1024 (SRGAN discriminator, 48² patches)", 16, 512 * 3 * 3, 1024),
    ];

    public override TuningSpace Space => LinearTuning.Space;

    public override IReadOnlyList<TuningCase> Cases => ZooCases;

    public override KernelDefines Default(KernelDevice device, TuningCase c) => LinearTuning.Default(device.Class);

    public override string? Illegal(KernelDevice device, TuningCase c, KernelDefines parameters) => LinearTuning.Illegal(device, parameters);

    public override ITuningTrial Prepare(KernelDevice device, Device reference, TuningCase c)
    {
        var (batch, inFeatures, outFeatures) = ((int, int, int))c.Shape;
        return Trial(device, reference, batch, inFeatures, outFeatures);
    }

    /// <summary>Inputs x, weight, bias, gy; outputs y, gx, gw; three products of 2·batch·in·out operations each.</summary>
    internal static OpTrial Trial(KernelDevice device, Device reference, int batch, int inFeatures, int outFeatures)
    {
        long x = (long)batch * inFeatures, w = (long)outFeatures * inFeatures, y = (long)batch * outFeatures;
        return new(device, reference, OpTrial.RandomInputs(x, w, outFeatures, y), [y, x, w], 3 * 2.0 * batch * inFeatures * outFeatures,
            (i, o) =>
            {
                Linear.Forward(i[0], i[1], i[2], o[0], batch, inFeatures, outFeatures);
                Linear.InputGrad(i[3], i[1], o[1], batch, inFeatures, outFeatures);
                Linear.WeightGrad(i[3], i[0], o[2], batch, inFeatures, outFeatures);
            },
            (i, o, p) =>
            {
                LinearKernels.Forward(i[0], i[1], i[2], o[0], batch, inFeatures, outFeatures, p);
                LinearKernels.InputGrad(i[3], i[1], o[1], batch, inFeatures, outFeatures, p);
                LinearKernels.WeightGrad(i[3], i[0], o[2], batch, inFeatures, outFeatures, p);
            });
    }

    private static TuningCase Case(string label, int batch, int inFeatures, int outFeatures) =>
        new(label, LinearTuning.ShapeClass(inFeatures, outFeatures), (batch, inFeatures, outFeatures));
}
