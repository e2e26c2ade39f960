namespace SuperRes.Models.Tests.Inference;

/// <summary>
/// The tile-shape planner: under a memory budget it picks the rectangle that reads the fewest region pixels (the
/// regions <see cref="TiledForward"/> really reads), with rows and columns of tiles of near-equal size; every region
/// starts on the alignment grid, and for the self-ensemble also ends on it counted from the far edge.
/// </summary>
public sealed class TileShapeTests(ITestOutputHelper output)
{
    private const int Alignment = ConvolutionTiling.Alignment;

    /// <summary>Input pixels the tiles' regions of <paramref name="tiling"/> read over an image, context included.</summary>
    internal static long RegionPixels(TiledForward tiling, int height, int width) =>
        TileSpans.Measure(height, tiling.TileHeight, tiling.Overlap, tiling.UniformRegions, tiling.SelfEnsemble).Read *
        TileSpans.Measure(width, tiling.TileWidth, tiling.Overlap, tiling.UniformRegions, tiling.SelfEnsemble).Read;

    [Fact]
    public void A_1800x1000_image_reads_fewer_pixels_than_with_square_tiles()
    {
        // FSRCNN x2's default plan on the cpu: a budget that holds a 379×379 region (tile 360 + 2·8 context + 3 of slack).
        var memory = new ForwardMemory(2e6, 700);
        long budget = (long)memory.BytesFor(379, 379);
        var square = TileSpans.Measure(1000, 360, 8, uniform: true, alignEnd: false).Read * TileSpans.Measure(1800, 360, 8, uniform: true, alignEnd: false).Read;
        var shape = TileShapes.Best(memory, 0, 1000, 1800, 8, budget, uniform: true, alignEnds: false)!;
        output.WriteLine($"square 360: {square} region pixels in 15 tiles; chosen {shape}");
        Assert.InRange(square, 3 * 376L * 5 * 376, 3 * 379L * 5 * 379); // the last row and column are shifted against the edge
        Assert.True(memory.BytesFor(shape.LargestRegionHeight, shape.LargestRegionWidth) <= budget);
        Assert.True(shape.RegionPixels < square * 0.95, $"{shape.RegionPixels} region pixels against {square}");
        Assert.InRange(shape.Count, 8, 24); // no slivers
        // Balanced: the last row and column of tiles are within a pixel per tile of the others.
        int rows = (1000 + shape.Height - 1) / shape.Height, columns = (1800 + shape.Width - 1) / shape.Width;
        Assert.True(rows * shape.Height - 1000 < rows, $"{rows} rows of {shape.Height}");
        Assert.True(columns * shape.Width - 1800 < columns, $"{columns} columns of {shape.Width}");
    }

    [Fact]
    public void The_chosen_shape_is_the_cheapest_that_fits_among_all_balanced_shapes()
    {
        var memory = new ForwardMemory(1000, 10);
        long budget = (long)memory.BytesFor(60, 90);
        const int height = 203, width = 317, overlap = 5;
        var best = TileShapes.Best(memory, 3, height, width, overlap, budget, uniform: true, alignEnds: true)!;
        double tileCost = TileShapes.TileCostShare * (budget - memory.FixedBytes) / (memory.BytesPerPixel + 3);
        double Cost(long read, int count) => read + tileCost * count;
        double bestCost = Cost(best.RegionPixels, best.Count);
        for (int th = TilePlanner.MinimumTile; th <= height; th++)
        {
            for (int tw = TilePlanner.MinimumTile; tw <= width; tw++)
            {
                var rows = TileSpans.Measure(height, th, overlap, true, true);
                var columns = TileSpans.Measure(width, tw, overlap, true, true);
                if (TileShapes.Fits(memory, 3, rows.Largest, columns.Largest, budget))
                    Assert.True(Cost(rows.Read * columns.Read, rows.Count * columns.Count) >= bestCost - 1e-6, $"{tw}x{th} is cheaper than {best}");
            }
        }
        Assert.True(TileShapes.Fits(memory, 3, best.LargestRegionHeight, best.LargestRegionWidth, budget));
        Assert.Null(TileShapes.Best(memory, 0, height, width, overlap, (long)memory.BytesFor(20, 20), uniform: true, alignEnds: false));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Regions_cover_their_context_and_sit_on_the_grid(bool uniform, bool alignEnd)
    {
        foreach (int length in new[] { 1, 7, 45, 67, 100, 203 })
        foreach (int tile in new[] { 3, 8, 13, 40, 64 })
        foreach (int overlap in new[] { 0, 5, 9 })
        {
            int uniformLength = TileSpans.UniformLength(tile, overlap, length, alignEnd);
            for (int start = 0; start < length; start += tile)
            {
                int end = Math.Min(start + tile, length);
                var (first, last) = TileSpans.Region(start, end, length, tile, overlap, uniform, alignEnd);
                string at = $"length {length}, tile {tile}, overlap {overlap}, block {start}..{end}: region {first}..{last}";
                Assert.True(first >= 0 && last <= length, at);
                Assert.True(first <= Math.Max(0, start - overlap) && last >= Math.Min(length, end + overlap), at);
                Assert.Equal(0, first % Alignment);
                if (alignEnd)
                    Assert.True(last == length || (length - last) % Alignment == 0, at);
                // Uniform regions have one length; without the end aligned, the last one may end short of the slack.
                if (uniform && alignEnd)
                    Assert.Equal(uniformLength, last - first);
                else if (uniform)
                    Assert.InRange(last - first, Math.Min(length, tile + 2 * overlap), uniformLength);
            }
        }
    }
}
