using System.Numerics;
using System.Runtime.InteropServices;

namespace SuperRes.Training.Distributed;

/// <summary>
/// The one association order used for every sum of per-slice or per-rank vectors: a balanced binary tree over
/// the part indices, Tree(lo, hi) = Tree(lo, mid) + Tree(mid, hi) with mid = lo + (hi − lo) / 2. For a power-of-two
/// number of groups of equal size, the tree over all parts is the tree over the groups' own trees, which is what
/// makes N ranks of k slices each equal to one rank of N·k slices.
/// </summary>
public static class OrderedSum
{
    /// <summary>Sums <paramref name="parts"/> (all the same length) into <c>parts[0]</c>, overwriting the others' contents.</summary>
    public static void Tree(IReadOnlyList<Memory<float>> parts) => Tree(parts, 0, parts.Count);

    /// <summary>
    /// The reduce step of an ordered all-reduce: <paramref name="received"/> holds <paramref name="ranks"/> blocks of
    /// <paramref name="chunk"/> values, rank r's contribution to this rank's chunk in block r; their tree sum is left
    /// in block 0.
    /// </summary>
    public static void TreeOfBlocks(float[] received, int ranks, int chunk)
    {
        var blocks = new Memory<float>[ranks];
        for (int r = 0; r < ranks; r++)
            blocks[r] = received.AsMemory(r * chunk, chunk);
        Tree(blocks);
    }

    private static void Tree(IReadOnlyList<Memory<float>> parts, int lo, int hi)
    {
        if (hi - lo <= 1)
            return;
        int mid = lo + (hi - lo) / 2;
        Tree(parts, lo, mid);
        Tree(parts, mid, hi);
        AddInPlace(parts[lo].Span, parts[mid].Span);
    }

    /// <summary><paramref name="into"/>[i] = <paramref name="into"/>[i] + <paramref name="add"/>[i] (IEEE single precision, element by element).</summary>
    public static void AddInPlace(Span<float> into, ReadOnlySpan<float> add)
    {
        if (into.Length != add.Length)
            throw new ArgumentException($"cannot add {add.Length} values to {into.Length}");
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var a = MemoryMarshal.Cast<float, Vector<float>>(into);
            var b = MemoryMarshal.Cast<float, Vector<float>>(add);
            for (int v = 0; v < a.Length; v++)
                a[v] += b[v];
            i = a.Length * Vector<float>.Count;
        }
        for (; i < into.Length; i++)
            into[i] += add[i];
    }

    /// <summary>Multiplies every value by <paramref name="factor"/> (the 1/S of a mean over S slices).</summary>
    public static void Scale(Span<float> values, float factor)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var a = MemoryMarshal.Cast<float, Vector<float>>(values);
            for (int v = 0; v < a.Length; v++)
                a[v] *= factor;
            i = a.Length * Vector<float>.Count;
        }
        for (; i < values.Length; i++)
            values[i] *= factor;
    }
}
