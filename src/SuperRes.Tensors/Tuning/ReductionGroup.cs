using SuperRes.Runtime.Tuning;

namespace SuperRes.Tensors.Tuning;

/// <summary>
/// The work-group size of the tree reductions (reduce.h sums a group by halving, so a power of two): a parameter
/// of every reduction's tuning space, with the one device rule it brings, a group the device allows.
/// </summary>
internal static class ReductionGroup
{
    public const string Name = "GROUP";

    public static TuningParameter Parameter(string meaning) => new(Name, [32, 64, 128, 256, 512, 1024], meaning);

    /// <summary>Why <paramref name="p"/> is no configuration of <paramref name="space"/> or needs a larger group than <paramref name="k"/> allows, or null.</summary>
    public static string? Illegal(TuningSpace space, KernelDevice k, KernelDefines p)
    {
        if (space.Check(p) is { } invalid)
            return invalid;
        int group = TuningSpace.Value(p, Name);
        return group > k.MaxWorkGroupSize ? $"{group} work-items per group; {k.Info.Id} allows {k.MaxWorkGroupSize}" : null;
    }

    /// <summary>The program's defines of a configuration: the group size alone (its other parameters are the host's).</summary>
    public static KernelDefines Defines(KernelDefines p) => new KernelDefines().With(Name, TuningSpace.Value(p, Name));
}
