using SuperRes.Runtime.Tuning;
using SuperRes.Tensors.Tuning;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The tunable shape of the two-pass sums (kernels/reduce.cl and the fused first passes of kernels/losses.cl and
/// kernels/bce_with_logits.cl): the work-group size, a define, and the most groups the first pass runs, which sets
/// the work per work-item and the partial sums the second pass folds. Keyed by the summed length's size range.
/// </summary>
internal static class ReduceTuning
{
    public static TuningSpace Space { get; } = new("reduce",
    [
        ReductionGroup.Parameter("work-items per group (a power of two: the group sums by a tree)"),
        new("GROUPS", [16, 64, 256, 1024, 4096], "most groups of the first pass (each folds a grid-strided share into one partial sum)"),
    ]);

    /// <summary>The shipped parameters, the same for both device classes: 256 work-items, at most 1024 partial sums.</summary>
    public static KernelDefines Default() => new KernelDefines().With("GROUP", ReduceKernels.Group).With("GROUPS", ReduceKernels.MaxGroups);

    public static string ShapeClass(long n) => ShapeClasses.Size(n);

    /// <summary>The tuning database's entry for the length's class when it is legal here, else the default.</summary>
    public static KernelDefines Parameters(KernelDevice k, long n) => k.Tuning.ParametersOr(Space.Kernel, ShapeClass(n), p => Illegal(k, p), Default());

    /// <summary>Why <paramref name="p"/> cannot run on <paramref name="k"/>, or null.</summary>
    public static string? Illegal(KernelDevice k, KernelDefines p) => ReductionGroup.Illegal(Space, k, p);
}

/// <summary>How one two-pass sum over <c>n</c> values runs: the programs' defines, the group size and the first pass's group count.</summary>
internal readonly record struct ReducePlan(KernelDefines Defines, int Group, long Groups)
{
    /// <summary>The plan of the device's tuned (or default) parameters for <paramref name="n"/> values.</summary>
    public static ReducePlan For(KernelDevice k, long n) => Of(ReduceTuning.Parameters(k, n), n);

    /// <summary>The plan of explicit parameters: enough groups for one value per work-item, at most GROUPS.</summary>
    public static ReducePlan Of(KernelDefines parameters, long n)
    {
        int group = TuningSpace.Value(parameters, ReductionGroup.Name);
        return new(ReductionGroup.Defines(parameters), group, Math.Min((n + group - 1) / group, TuningSpace.Value(parameters, "GROUPS")));
    }

    /// <summary>The first pass's grid: <see cref="Groups"/> groups of <see cref="Group"/>.</summary>
    public LaunchGrid FirstPass => LaunchGrid.Linear(Groups * Group, Group);
}
