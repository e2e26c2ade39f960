namespace SuperRes.Models.Inference;

/// <summary>A tile shape the planner chose and what its regions read.</summary>
/// <param name="Width">Columns of input pixels each tile produces.</param>
/// <param name="Height">Rows of input pixels each tile produces.</param>
/// <param name="Count">Tiles over the image.</param>
/// <param name="RegionPixels">Input pixels the tiles' regions read in all (context included): the forward's work.</param>
/// <param name="LargestRegionWidth">Width of the largest region (the forward's peak memory).</param>
/// <param name="LargestRegionHeight">Height of the largest region.</param>
public sealed record TileShape(int Width, int Height, int Count, long RegionPixels, int LargestRegionWidth, int LargestRegionHeight);

/// <summary>
/// Chooses the tile shape that reads the fewest region pixels under a memory budget: tiles of any width and height
/// whose largest region's forward pass (<see cref="ForwardMemory.BytesFor"/>, alignment slack included, plus any
/// bytes per region pixel the tile holds beside it) fits, balanced so every row and column of tiles is within a pixel
/// or so of the others, with a small cost per tile so that many slivers do not win by a hair.
/// </summary>
public static class TileShapes
{
    /// <summary>Cost of one more tile, as a share of the largest region the budget holds.</summary>
    public const double TileCostShare = 0.02;

    /// <summary>
    /// The best shape for a <paramref name="height"/> × <paramref name="width"/> input read with
    /// <paramref name="overlap"/> context (regions as <see cref="TiledForward"/> reads them: <paramref name="uniform"/>,
    /// <paramref name="alignEnds"/> for the self-ensemble), or null when not even tiles of
    /// <see cref="TilePlanner.MinimumTile"/> fit <paramref name="budgetBytes"/>.
    /// </summary>
    /// <param name="extraBytesPerPixel">Bytes a tile holds per region pixel beside the forward pass (the self-ensemble's running sum).</param>
    public static TileShape? Best(ForwardMemory memory, double extraBytesPerPixel, int height, int width, int overlap, long budgetBytes, bool uniform, bool alignEnds)
    {
        ArgumentNullException.ThrowIfNull(memory);
        var rows = Candidates(height, overlap, uniform, alignEnds);
        var columns = Candidates(width, overlap, uniform, alignEnds);
        double affordable = (budgetBytes - memory.FixedBytes) / Math.Max(memory.BytesPerPixel + extraBytesPerPixel, 1e-3);
        double tileCost = TileCostShare * Math.Max(0, affordable);
        TileShape? best = null;
        double bestCost = double.PositiveInfinity;
        foreach (var row in rows)
        {
            foreach (var column in columns)
            {
                if (!Fits(memory, extraBytesPerPixel, row.Largest, column.Largest, budgetBytes))
                    continue;
                int count = row.Count * column.Count;
                double cost = (double)row.Read * column.Read + tileCost * count;
                if (cost < bestCost)
                {
                    bestCost = cost;
                    best = new TileShape(column.Tile, row.Tile, count, row.Read * column.Read, column.Largest, row.Largest);
                }
            }
        }
        return best;
    }

    /// <summary>Whether a tile whose largest region is <paramref name="height"/> × <paramref name="width"/> fits the budget.</summary>
    public static bool Fits(ForwardMemory memory, double extraBytesPerPixel, long height, long width, long budgetBytes) =>
        memory.BytesFor(height, width) + extraBytesPerPixel * height * width <= budgetBytes;

    private readonly record struct Side(int Tile, int Count, long Read, int Largest);

    // Balanced tile sides along one side of the input: ceil(length / n) for every count n, down to MinimumTile.
    private static List<Side> Candidates(int length, int overlap, bool uniform, bool alignEnds)
    {
        var sides = new List<Side>();
        int smallest = Math.Min(length, TilePlanner.MinimumTile), previous = 0;
        for (int n = 1; ; n++)
        {
            int tile = Math.Max(smallest, (length + n - 1) / n);
            if (tile != previous)
            {
                var (read, largest, count) = TileSpans.Measure(length, tile, overlap, uniform, alignEnds);
                sides.Add(new Side(tile, count, read, largest));
                previous = tile;
            }
            if (tile == smallest)
                return sides;
        }
    }
}
