using SuperRes.Runtime.Cpu;
using SuperRes.Runtime.Profiling;
using SuperRes.Runtime.Tuning;

namespace SuperRes.Tensors.Tuning;

/// <summary>
/// The profiler's calibration SGEMM (<see cref="CalibrationSgemm"/>) for <c>superres tune</c>: a faster
/// configuration raises the yardstick the roofline measures every kernel against. Checked against the Cpu
/// backend's own matrix product.
/// </summary>
internal sealed class CalibrationSgemmTunable : TunableKernel
{
    /// <summary>The size the calibration runs on CPU devices.</summary>
    private const int Matrix = 1024;

    private static readonly TuningCase[] ZooCases = [new($"SGEMM {Matrix}³ (the profiler's calibration)", CalibrationSgemm.ShapeClass, Matrix)];

    public override TuningSpace Space => CalibrationSgemm.Space;

    public override IReadOnlyList<TuningCase> Cases => ZooCases;

    /// <summary>The class's first shipped configuration that fits the size.</summary>
    public override KernelDefines Default(KernelDevice device, TuningCase c)
    {
        var shipped = CalibrationSgemm.Shipped(device.Class);
        return shipped.FirstOrDefault(p => CalibrationSgemm.Illegal(device, (int)c.Shape, p) is null) ?? shipped[0];
    }

    public override string? Illegal(KernelDevice device, TuningCase c, KernelDefines parameters) => CalibrationSgemm.Illegal(device, (int)c.Shape, parameters);

    public override ITuningTrial Prepare(KernelDevice device, Device reference, TuningCase c) => Trial(device, reference, (int)c.Shape);

    /// <summary>Inputs A and B, output C = A·B, all n×n row-major; 2n³ operations.</summary>
    internal static OpTrial Trial(KernelDevice device, Device reference, int n)
    {
        long count = (long)n * n;
        return new(device, reference, OpTrial.RandomInputs(count, count), [count], 2.0 * n * n * n,
            (i, o) =>
            {
                float[] a = reference.Download(i[0]), b = reference.Download(i[1]), result = new float[count];
                CpuGemm.Multiply(n, n, n, a, n, b, n, result, n, accumulate: false);
                reference.Write(o[0], result);
            },
            (i, o, p) => CalibrationSgemm.Launch(device, p, n, i[0], i[1], o[0]));
    }
}
