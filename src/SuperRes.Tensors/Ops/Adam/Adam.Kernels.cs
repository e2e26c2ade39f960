namespace SuperRes.Tensors.Primitives;

/// <summary>
/// kernels/adam.cl on CUDA and OpenCL: the update one work-item per value; the sum of squares in the two passes of
/// <see cref="ReduceKernels"/> (its group size and partial-sum count), the second adding into one slot.
/// </summary>
internal sealed class AdamKernels : Adam.IBackend
{
    private const string File = "adam.cl";
    private const int Group = ReduceKernels.Group;

    public void Step(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v, DeviceBuffer gradScale, long n, AdamHyperParameters h)
    {
        var k = Launch.Kernels(param);
        k.Launch(k.GetKernel(File, "adam_step", ReduceKernels.Defines), LaunchGrid.Linear(n), n, param, grad, m, v, gradScale,
            h.StepSize, (float)h.Beta1, h.OneMinusBeta1, (float)h.Beta2, h.OneMinusBeta2, h.BiasCorrection2Sqrt, (float)h.Epsilon, (float)h.WeightDecay);
    }

    public void SumOfSquares(DeviceBuffer x, long n, DeviceBuffer sums, int slot)
    {
        var k = Launch.Kernels(x);
        long groups = ReduceKernels.Groups(n);
        using var partial = k.Allocate(groups);
        k.Launch(k.GetKernel(File, "sum_squares_partial", ReduceKernels.Defines), LaunchGrid.Linear(groups * Group, Group), n, x, partial);
        OpTimer.Next((n, groups), static s => new OpCost("sum_into", OpLabel.Elements(s.n) + " pass 2", s.groups, OpCost.F32(s.groups + 1)));
        k.Launch(k.GetKernel(File, "sum_into", ReduceKernels.Defines), LaunchGrid.Linear(Group, Group), groups, partial, sums, slot);
    }

    public void ClipCoefficient(DeviceBuffer sums, int count, float maxNorm, DeviceBuffer result)
    {
        var k = Launch.Kernels(sums);
        k.Launch(k.GetKernel(File, "clip_coefficient", ReduceKernels.Defines), LaunchGrid.Linear(Group, Group), count, sums, maxNorm, result);
    }
}
