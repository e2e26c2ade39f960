using SuperRes.Runtime.Tuning;
using SuperRes.Tensors.Tuning;
using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The per-channel reductions of batch norm for <c>superres tune</c>, measured on a training step's two: the batch
/// statistics and the backward's sums, with the zoo's training shapes (SRResNet's body, the SRGAN discriminator's last layer).
/// </summary>
internal sealed class BatchNormTunable : TunableKernel
{
    private const float Epsilon = 1e-5f;

    private static readonly TuningCase[] ZooCases =
    [
        Case("batch norm 16x64x24x24 (SRResNet x4 body, training)", new(16, 64, 24 * 24)),
        Case("batch norm 16x512x6x6 (SRGAN discriminator, last layer)", new(16, 512, 6 * 6)),
    ];

    public override TuningSpace Space => BatchNormTuning.Space;

    public override IReadOnlyList<TuningCase> Cases => ZooCases;

    public override KernelDefines Default(KernelDevice device, TuningCase c) => BatchNormTuning.Default(device.Class);

    public override string? Illegal(KernelDevice device, TuningCase c, KernelDefines parameters) => BatchNormTuning.Illegal(device, parameters);

    public override ITuningTrial Prepare(KernelDevice device, Device reference, TuningCase c) => Trial(device, reference, (BatchNormShape)c.Shape);

    /// <summary>
    /// Inputs x (a mean near 1, so no statistic is near 0) and gy; outputs each channel's mean, variance, Σ gy and
    /// Σ gy·x̂ (the backward's sums take the statistics the run computed, as in training); 8 operations per value.
    /// </summary>
    internal static OpTrial Trial(KernelDevice device, Device reference, BatchNormShape s)
    {
        var rng = new Random(1);
        long n = (long)s.Batch * s.Channels * s.Hw;
        float[][] inputs = [RandomData.Uniform(rng, n, 0f, 2f), RandomData.Uniform(rng, n, -0.5f, 1.5f)];
        return new(device, reference, inputs, [s.Channels, s.Channels, s.Channels, s.Channels], 8.0 * n,
            (i, o) =>
            {
                BatchNorm.Stats(i[0], o[0], o[1], s.Batch, s.Channels, s.Hw);
                BatchNorm.BackwardReduce(i[0], o[0], o[1], i[1], o[2], o[3], s.Batch, s.Channels, s.Hw, Epsilon);
            },
            (i, o, p) =>
            {
                BatchNormKernels.Stats(i[0], o[0], o[1], s.Batch, s.Channels, s.Hw, p);
                BatchNormKernels.BackwardReduce(i[0], o[0], o[1], i[1], o[2], o[3], s.Batch, s.Channels, s.Hw, Epsilon, p);
            });
    }

    private static TuningCase Case(string label, BatchNormShape s) => new(label, BatchNormTuning.ShapeClass((long)s.Batch * s.Hw), s);
}

/// <summary>A batch norm's input: <see cref="Batch"/> images of <see cref="Channels"/> planes of <see cref="Hw"/> values.</summary>
internal readonly record struct BatchNormShape(int Batch, int Channels, int Hw);
