namespace SuperRes.Tensors.Primitives;

/// <summary>Reductions to a single value that stays on the device (no host round trip).</summary>
public static class Reduce
{
    private const string File = "reduce.cl";
    private const int Group = 256;
    private const int MaxGroups = 1024;
    private static readonly KernelDefines Defines = new KernelDefines().With("GROUP", Group);

    /// <summary>result[0] = Σ x[0..n). Any n ≥ 1.</summary>
    public static void Sum(DeviceBuffer x, long n, DeviceBuffer result)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("sum_partial", OpLabel.Elements(n), n, OpCost.F32(n + Math.Min((n + Group - 1) / Group, MaxGroups))));
        if (Launch.SameDevice("sum", n, x) is KernelDevice k)
        {
            var kernel = k.GetKernel(File, "sum_partial", Defines);
            long groups = Math.Min((n + Group - 1) / Group, MaxGroups);
            using var partial = k.Allocate(groups);
            k.Launch(kernel, LaunchGrid.Linear(groups * Group, Group), n, x, partial);
            OpTimer.Next((n, groups), static s => new OpCost("sum_partial", OpLabel.Elements(s.n) + " pass 2", s.groups, OpCost.F32(s.groups + 1)));
            k.Launch(kernel, LaunchGrid.Linear(Group, Group), groups, partial, result);
            return;
        }
        // The reference accumulates in double so it is the more accurate side of every comparison.
        double acc = 0;
        foreach (var v in Launch.Span(x, n))
            acc += v;
        result.HostArray![0] = (float)acc;
    }
}
