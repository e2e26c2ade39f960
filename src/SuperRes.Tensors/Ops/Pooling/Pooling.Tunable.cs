using SuperRes.Runtime.Tuning;
using SuperRes.Tensors.Tuning;

namespace SuperRes.Tensors.Primitives;

/// <summary>The per-plane reductions for <c>superres tune</c>, measured on global average pooling (RCAN's channel attention).</summary>
internal sealed class PoolingTunable : TunableKernel
{
    private static readonly TuningCase[] ZooCases =
    [
        Case("global average pool 16x64x32x32 (RCAN channel attention, training)", 16 * 64, 32 * 32),
        Case("global average pool 1x64x256x256 (RCAN channel attention, upscaling)", 64, 256 * 256),
    ];

    public override TuningSpace Space => PoolingTuning.Space;

    public override IReadOnlyList<TuningCase> Cases => ZooCases;

    public override KernelDefines Default(KernelDevice device, TuningCase c) => PoolingTuning.Default(device.Class);

    public override string? Illegal(KernelDevice device, TuningCase c, KernelDefines parameters) => PoolingTuning.Illegal(device, parameters);

    public override ITuningTrial Prepare(KernelDevice device, Device reference, TuningCase c)
    {
        var (planes, hw) = ((int, int))c.Shape;
        return Trial(device, reference, planes, hw);
    }

    /// <summary>Input planes × hw values; output each plane's mean; one addition per value.</summary>
    internal static OpTrial Trial(KernelDevice device, Device reference, int planes, int hw) =>
        new(device, reference, OpTrial.RandomInputs((long)planes * hw), [planes], (double)planes * hw,
            (i, o) => Pooling.PlaneSum(i[0], o[0], planes, hw, 1f / hw),
            (i, o, p) => PoolingKernels.PlaneSum(i[0], o[0], planes, hw, 1f / hw, p));

    private static TuningCase Case(string label, int planes, int hw) => new(label, PoolingTuning.ShapeClass(hw), (planes, hw));
}
