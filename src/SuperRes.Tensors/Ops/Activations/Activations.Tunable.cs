using SuperRes.Runtime.Tuning;
using SuperRes.Tensors.Tuning;
using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Primitives;

/// <summary>PReLU's slope gradient for <c>superres tune</c>, on the zoo's training shapes (FSRCNN's per-channel slopes, SRResNet's single one).</summary>
internal sealed class PreluSlopeTunable : TunableKernel
{
    private static readonly TuningCase[] ZooCases =
    [
        Case("PReLU 16x56x32x32, 56 slopes (FSRCNN feature extraction, training)", new(56, 32 * 32, 16L * 56 * 32 * 32)),
        Case("PReLU 16x64x24x24, one slope (SRResNet x4 head, training)", new(1, 16 * 64 * 24 * 24, 16L * 64 * 24 * 24)),
        Case("PReLU 16x64x48x48, one slope (SRResNet x4 first upsampler, training)", new(1, 16 * 64 * 48 * 48, 16L * 64 * 48 * 48)),
    ];

    public override TuningSpace Space => PreluSlopeTuning.Space;

    public override IReadOnlyList<TuningCase> Cases => ZooCases;

    public override KernelDefines Default(KernelDevice device, TuningCase c) => PreluSlopeTuning.Default(device.Class);

    public override string? Illegal(KernelDevice device, TuningCase c, KernelDefines parameters) => PreluSlopeTuning.Illegal(device, parameters);

    public override ITuningTrial Prepare(KernelDevice device, Device reference, TuningCase c) => Trial(device, reference, (PreluShape)c.Shape);

    /// <summary>
    /// Inputs x (mixed signs) and gy (positive, so the terms x·gy of x ≤ 0 share a sign and no gradient cancels to
    /// near 0); output each slope's gradient; 2 operations per value.
    /// </summary>
    internal static OpTrial Trial(KernelDevice device, Device reference, PreluShape s)
    {
        var rng = new Random(1);
        float[][] inputs = [RandomData.Uniform(rng, s.Length), RandomData.Uniform(rng, s.Length, 0.1f, 1f)];
        return new(device, reference, inputs, [s.Slopes], 2.0 * s.Length,
            (i, o) => Activations.PreluSlopeGradient(i[0], i[1], s.Slopes, s.Plane, o[0], s.Length),
            (i, o, p) => ActivationsKernels.PreluSlopeGradient(i[0], i[1], s.Slopes, s.Plane, o[0], s.Length, p));
    }

    private static TuningCase Case(string label, PreluShape s) => new(label, PreluSlopeTuning.ShapeClass(s.Length / s.Slopes), s);
}

/// <summary>PReLU's layout (<see cref="Activations.Prelu"/>): <see cref="Length"/> values in planes of <see cref="Plane"/>, slope by plane index mod <see cref="Slopes"/>.</summary>
internal readonly record struct PreluShape(int Slopes, int Plane, long Length);
