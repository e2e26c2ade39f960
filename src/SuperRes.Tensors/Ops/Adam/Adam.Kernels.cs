using SuperRes.Runtime.Tuning;
using SuperRes.Tensors.Tuning;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// kernels/adam.cl on CUDA and OpenCL: the update one work-item per value (in the program of the device class's
/// default group size); the sum of squares in two passes, the second adding into one slot, and the clipping
/// coefficient in one group, each with the tuned parameters of its length (<see cref="AdamNormTuning"/>, planned
/// as <see cref="ReducePlan"/>).
/// </summary>
internal sealed class AdamKernels : Adam.IBackend
{
    private const string File = AdamNormTuning.File;
    private static readonly KernelDefines GpuDefines = ReductionGroup.Defines(AdamNormTuning.Default(DeviceClass.Gpu));
    private static readonly KernelDefines CpuDefines = ReductionGroup.Defines(AdamNormTuning.Default(DeviceClass.Cpu));

    public void Step(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v, DeviceBuffer gradScale, long n, AdamHyperParameters h)
    {
        var k = Launch.Kernels(param);
        k.Launch(k.GetKernel(File, "adam_step", k.Class == DeviceClass.Gpu ? GpuDefines : CpuDefines), LaunchGrid.Linear(n), n, param, grad, m, v, gradScale,
            h.StepSize, (float)h.Beta1, h.OneMinusBeta1, (float)h.Beta2, h.OneMinusBeta2, h.BiasCorrection2Sqrt, (float)h.Epsilon, (float)h.WeightDecay);
    }

    public void SumOfSquares(DeviceBuffer x, long n, DeviceBuffer sums, int slot) =>
        SumOfSquares(x, n, sums, slot, AdamNormTuning.Parameters(Launch.Kernels(x), n));

    /// <summary>sums[slot] = Σ x[0..n)² with explicit parameters (<see cref="AdamNormTuning"/>).</summary>
    internal static void SumOfSquares(DeviceBuffer x, long n, DeviceBuffer sums, int slot, KernelDefines parameters)
    {
        var k = Launch.Kernels(x);
        var plan = ReducePlan.Of(parameters, n);
        using var partial = k.Allocate(plan.Groups);
        k.Launch(k.GetKernel(File, "sum_squares_partial", plan.Defines), plan.FirstPass, n, x, partial);
        OpTimer.Next((n, plan.Groups), static s => new OpCost("sum_into", OpLabel.Elements(s.n) + " pass 2", s.Groups, OpCost.F32(s.Groups + 1)));
        k.Launch(k.GetKernel(File, "sum_into", plan.Defines), LaunchGrid.Linear(plan.Group, plan.Group), plan.Groups, partial, sums, slot);
    }

    public void ClipCoefficient(DeviceBuffer sums, int count, float maxNorm, DeviceBuffer result) =>
        ClipCoefficient(sums, count, maxNorm, result, AdamNormTuning.Parameters(Launch.Kernels(sums), count));

    /// <summary>The clipping coefficient and norm from <paramref name="count"/> sums, in one group, with explicit parameters.</summary>
    internal static void ClipCoefficient(DeviceBuffer sums, int count, float maxNorm, DeviceBuffer result, KernelDefines parameters)
    {
        var k = Launch.Kernels(sums);
        var plan = ReducePlan.Of(parameters, count);
        k.Launch(k.GetKernel(File, "clip_coefficient", plan.Defines), LaunchGrid.Linear(plan.Group, plan.Group), count, sums, maxNorm, result);
    }
}
