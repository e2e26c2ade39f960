using System.Globalization;

namespace SuperRes.Cli.Commands;

/// <summary>
/// <c>--shard i/n</c>: shard i (0-based) of n takes the inputs whose position in the ordinal-sorted list of full
/// input paths is i modulo n. Every shard of one command line sees the same list, so the n shards cover every
/// input exactly once, whatever order the files were named or listed in (Slurm: --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT).
/// </summary>
internal readonly record struct Shard(int Index, int Count)
{
    public static Shard All => new(0, 1);

    /// <summary>Parses <c>i/n</c>; null and a message when it is not 0 ≤ i &lt; n.</summary>
    public static (Shard? Shard, string? Error) Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            && count >= 1 && index < count)
            return (new Shard(index, count), null);
        return (null, $"--shard '{text}': use i/n with 0 ≤ i < n, e.g. 0/4 … 3/4");
    }

    /// <summary>This shard's items, in the sorted order; <paramref name="key"/> is the input path of an item.</summary>
    public IReadOnlyList<T> Select<T>(IEnumerable<T> items, Func<T, string> key)
    {
        var (index, count) = (Index, Count);
        return items.OrderBy(i => Path.GetFullPath(key(i)), StringComparer.Ordinal)
            .Where((_, position) => position % count == index)
            .ToArray();
    }

    public override string ToString() => $"{Index}/{Count}";
}
