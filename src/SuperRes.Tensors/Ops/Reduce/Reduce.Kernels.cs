namespace SuperRes.Tensors.Primitives;

/// <summary>
/// kernels/reduce.cl on CUDA and OpenCL: up to <see cref="MaxGroups"/> groups of <see cref="Group"/> work-items
/// write partial sums, then one group adds those up. The losses reuse the second pass.
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
        long groups = Groups(n);
        using var partial = k.Allocate(groups);
        k.Launch(k.GetKernel(File, "sum_partial", Defines), LaunchGrid.Linear(groups * Group, Group), n, x, partial);
        SumPartials(k, partial, groups, n, result);
    }

    /// <summary>Groups of the first pass over n elements.</summary>
    public static long Groups(long n) => Math.Min((n + Group - 1) / Group, MaxGroups);

    /// <summary>The second pass: result[0] = Σ partial[0..groups), in one group.</summary>
    public static void SumPartials(KernelDevice k, DeviceBuffer partial, long groups, long n, DeviceBuffer result)
    {
        OpTimer.Next((n, groups), static s => new OpCost("sum_partial", OpLabel.Elements(s.n) + " pass 2", s.groups, OpCost.F32(s.groups + 1)));
        k.Launch(k.GetKernel(File, "sum_partial", Defines), LaunchGrid.Linear(Group, Group), groups, partial, result);
    }
}
