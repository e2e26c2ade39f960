namespace SuperRes.Tensors.Primitives;

/// <summary>kernels/adam.cl on CUDA and OpenCL: the update one work-item per value; the norm a two-pass reduction into at most <see cref="MaxGroups"/> partial sums.</summary>
internal sealed class AdamKernels : Adam.IBackend
{
    private const string File = "adam.cl";
    private const int Group = 256;
    private const int MaxGroups = 1024;
    private static readonly KernelDefines Defines = new KernelDefines().With("GROUP", Group);

    /// <summary>The partial sums the first pass of a sum of squares over <paramref name="n"/> values writes.</summary>
    public static long PartialSums(long n) => Math.Min((n + Group - 1) / Group, MaxGroups);

    public void Step(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v, DeviceBuffer gradScale, long n, AdamHyperParameters h)
    {
        var k = Launch.Kernels(param);
        k.Launch(k.GetKernel(File, "adam_step", Defines), LaunchGrid.Linear(n), n, param, grad, m, v, gradScale,
            h.StepSize, (float)h.Beta1, h.OneMinusBeta1, (float)h.Beta2, h.OneMinusBeta2, h.BiasCorrection2Sqrt, (float)h.Epsilon, (float)h.WeightDecay);
    }

    public void SumOfSquares(DeviceBuffer x, long n, DeviceBuffer sums, int slot)
    {
        var k = Launch.Kernels(x);
        long groups = PartialSums(n);
        using var partial = k.Allocate(groups);
        k.Launch(k.GetKernel(File, "sum_squares_partial", Defines), LaunchGrid.Linear(groups * Group, Group), n, x, partial);
        OpTimer.Next((n, groups), static s => new OpCost("sum_into", OpLabel.Elements(s.n) + " pass 2", s.groups, OpCost.F32(s.groups + 1)));
        k.Launch(k.GetKernel(File, "sum_into", Defines), LaunchGrid.Linear(Group, Group), groups, partial, sums, slot);
    }

    public void ClipCoefficient(DeviceBuffer sums, int count, float maxNorm, DeviceBuffer result)
    {
        var k = Launch.Kernels(sums);
        k.Launch(k.GetKernel(File, "clip_coefficient", Defines), LaunchGrid.Linear(Group, Group), count, sums, maxNorm, result);
    }
}
