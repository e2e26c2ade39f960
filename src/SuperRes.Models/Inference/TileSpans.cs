using SuperRes.Tensors;

namespace SuperRes.Models.Inference;

/// <summary>
/// Where the tiles' regions lie along one side of the input: each block of <c>tile</c> pixels is read with
/// <c>overlap</c> pixels of context on both sides, its start moved back onto the <see cref="ConvolutionTiling.Alignment"/>
/// grid (convolutions that round by their place in a grid then see the whole input's grid). For the self-ensemble,
/// whose flipped regions put a region's far end at the origin, the distance from the end to the side's far edge is a
/// multiple of the alignment too (or the region reaches that edge). More context never changes a bit.
/// </summary>
internal static class TileSpans
{
    private const int Alignment = ConvolutionTiling.Alignment;

    /// <summary>
    /// The span read for the block [<paramref name="start"/>, <paramref name="end"/>) of a side of
    /// <paramref name="length"/> pixels. Uniform regions all have one length (<see cref="UniformLength"/>, or the
    /// whole side), shifted inside the side at its edges rather than clipped, so the memory pool reuses its blocks.
    /// </summary>
    public static (int Start, int End) Region(int start, int end, int length, int tile, int overlap, bool uniform, bool alignEnd)
    {
        if (!uniform)
        {
            int last = Math.Min(length, end + overlap);
            if (alignEnd && last < length)
                last = length - AlignDown(length - last);
            return (AlignDown(Math.Max(0, start - overlap)), last);
        }
        if (!alignEnd)
        {
            int side = tile + 2 * overlap;
            // Moved back by up to Alignment − 1, the region reads as much more at its end, so it still covers end + Overlap.
            int first = AlignDown(Math.Clamp(start - overlap, 0, Math.Max(0, length - side)));
            return (first, Math.Min(length, first + side + Alignment - 1));
        }
        // A length congruent to the side's modulo the alignment: a start on the grid puts the end on the grid counted
        // from the far edge, and a region shifted against that edge starts on the grid.
        int regionLength = UniformLength(tile, overlap, length, alignEnd: true);
        int firstAligned = AlignDown(Math.Clamp(start - overlap, 0, length - regionLength));
        return (firstAligned, firstAligned + regionLength);
    }

    /// <summary>
    /// The length of a uniform region: the tile, its overlap on both sides and the alignment slack at its start (and,
    /// with <paramref name="alignEnd"/>, at its end), at most the whole side.
    /// </summary>
    public static int UniformLength(int tile, int overlap, int length, bool alignEnd)
    {
        long side = tile + 2L * overlap + Alignment - 1;
        if (alignEnd)
            side += ((length - side) % Alignment + Alignment) % Alignment;
        return (int)Math.Min(length, side);
    }

    /// <summary>The pixels read along a side (regions summed over its blocks), the largest region and the number of blocks.</summary>
    public static (long Read, int Largest, int Count) Measure(int length, int tile, int overlap, bool uniform, bool alignEnd)
    {
        long read = 0;
        int largest = 0, count = 0;
        for (int start = 0; start < length; start += tile)
        {
            var (first, last) = Region(start, Math.Min(start + tile, length), length, tile, overlap, uniform, alignEnd);
            read += last - first;
            largest = Math.Max(largest, last - first);
            count++;
        }
        return (read, largest, count);
    }

    private static int AlignDown(int position) => position / Alignment * Alignment;
}
