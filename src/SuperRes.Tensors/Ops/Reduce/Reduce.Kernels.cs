namespace SuperRes.Tensors.Primitives;

/// <summary>
/// kernels/reduce.cl on CUDA and OpenCL: up to GROUPS groups of GROUP work-items write partial sums, then one group
/// adds those up (<see cref="ReducePlan"/>: the device's tuned parameters, else <see cref="Group"/> and
/// <see cref="MaxGroups"/>). The losses reuse the second pass; Adam's sum of squares plans the same way with its own tuning (<see cref="AdamNormTuning"/>).
/// </summary>
internal sealed class ReduceKernels : Reduce.IBackend
{
    public const string File = "reduce.cl";
    public const int Group = 256;
    public const int MaxGroups = 1024;
    public static readonly KernelDefines Defines = new KernelDefines().With("GROUP", Group);

    public void Sum(DeviceBuffer x, long n, DeviceBuffer result)
    {
        var k = Launch.Kernels(x);
        var plan = ReducePlan.For(k, n);
        using var partial = k.Allocate(plan.Groups);
        k.Launch(k.GetKernel(File, "sum_partial", plan.Defines), plan.FirstPass, n, x, partial);
        SumPartials(k, plan, partial, n, result);
    }

    /// <summary>Groups of the first pass over n elements with the default parameters (also the profiler's estimate of the partial sums).</summary>
    public static long Groups(long n) => Math.Min((n + Group - 1) / Group, MaxGroups);

    /// <summary>The second pass: result[0] = Σ partial[0..plan.Groups), in one group.</summary>
    public static void SumPartials(KernelDevice k, ReducePlan plan, DeviceBuffer partial, long n, DeviceBuffer result)
    {
        OpTimer.Next((n, plan.Groups), static s => new OpCost("sum_partial", OpLabel.Elements(s.n) + " pass 2", s.Groups, OpCost.F32(s.Groups + 1)));
        k.Launch(k.GetKernel(File, "sum_partial", plan.Defines), LaunchGrid.Linear(plan.Group, plan.Group), plan.Groups, partial, result);
    }
}
