using SuperRes.Runtime.Cpu;

namespace SuperRes.Models.Tests.Inference;

/// <summary>
/// The memory-based tile choice: the planner measures a network's forward memory (fixed + per pixel) and takes the
/// largest tile whose pass, overlap included, fits the budget; a real pass at the chosen size stays under the cap.
/// </summary>
[Collection(NetworkCollection.Name)]
public sealed class TilePlannerTests(ITestOutputHelper output)
{
    private const long GiB = 1L << 30, MiB = 1L << 20;

    [Fact]
    public void A_3840x2160_output_of_edsr_baseline_x4_is_planned_within_2_GiB()
    {
        // superres upscale --model edsr-baseline --scale 4 --max-memory 2G on a 960×540 input.
        using var device = new CpuDevice(2 * GiB);
        using var network = ModelZoo.Create(device, "edsr-baseline", 4);
        network.Eval();
        var upscaler = new Upscaler(network, new UpscaleOptions { MaxMemoryBytes = 2 * GiB });
        var tiling = upscaler.PlanTiles(3, 540, 960);
        var memory = upscaler.ForwardMemoryOf(3);
        long weights = device.Memory.InUseBytes;
        long height = TilePlanner.RegionSide(tiling.TileHeight, tiling.Overlap), width = TilePlanner.RegionSide(tiling.TileWidth, tiling.Overlap);
        double peak = weights + memory.BytesFor(height, width);
        output.WriteLine($"weights {weights / (double)MiB:F1} MiB; forward memory {memory.FixedBytes / MiB:F2} MiB + {memory.BytesPerPixel:F0} B/pixel; " +
                         $"whole 960×540 image {memory.BytesFor(540, 960) / GiB:F2} GiB; tile {tiling.TileWidth}x{tiling.TileHeight} + 2×{tiling.Overlap} → " +
                         $"{tiling.TileCount(540, 960)} tiles, peak {peak / GiB:F3} GiB");

        Assert.Equal(network.ExactTileContext, tiling.Overlap); // exact tiling (Winograd's 2·radius + 1 on the cpu)
        Assert.True(weights + memory.BytesFor(540, 960) > 2 * GiB, "the whole image fits in 2 GiB: the test does not exercise tiling");
        Assert.True(peak <= 2 * GiB, $"a {width}×{height} pass needs {peak / GiB:F3} GiB");
        Assert.True(peak >= 0.5 * GiB, $"a {width}×{height} pass uses only {peak / GiB:F3} GiB of 2: the planner wastes the budget");
        Assert.True(Math.Min(tiling.TileWidth, tiling.TileHeight) >= 64, $"tile {tiling.TileWidth}x{tiling.TileHeight}");
    }

    [Fact]
    public void A_real_pass_at_the_planned_size_stays_under_the_cap()
    {
        // The memory model is measured on 16² and 32² probes; check it on a real run far larger than both, under a
        // device cap that holds an 80×80 pass but not the 150×170 image.
        using var device = new CpuDevice();
        var (upscaler, memory, cap) = CappedUpscaler(device);
        using var _ = upscaler;
        var network = upscaler.Network;
        var input = InferenceTestNetworks.RandomInput(network, 150, 170);
        var tiling = upscaler.PlanTiles(3, input.Height, input.Width);
        output.WriteLine($"{memory.BytesPerPixel:F0} B/pixel; cap {cap / (double)MiB:F1} MiB: tile {tiling.TileWidth}x{tiling.TileHeight}, overlap {tiling.Overlap}, " +
                         $"{tiling.TileCount(input.Height, input.Width)} tiles");
        // The largest region fits the budget (an 80×80 pass), and the shape reads no more pixels than the largest square tile.
        long regionHeight = TilePlanner.RegionSide(tiling.TileHeight, tiling.Overlap), regionWidth = TilePlanner.RegionSide(tiling.TileWidth, tiling.Overlap);
        Assert.True(memory.BytesFor(regionHeight, regionWidth) <= memory.BytesFor(80, 80), $"a {regionWidth}x{regionHeight} region does not fit");
        int largest = 80 - (int)TilePlanner.RegionSide(0, network.ExactTileContext);
        var square = new TiledForward(network, largest, tiling.Overlap, uniformRegions: true);
        Assert.True(TileShapeTests.RegionPixels(tiling, input.Height, input.Width) <= TileShapeTests.RegionPixels(square, input.Height, input.Width));

        device.Memory.ResetPeak();
        var tiled = upscaler.UpscalePlanes(input); // throws DeviceOutOfMemoryException past the cap
        output.WriteLine($"peak in use {device.Memory.PeakInUseBytes / (double)MiB:F1} MiB of {cap / (double)MiB:F1}");
        Assert.True(device.Memory.PeakInUseBytes <= cap);

        // And tiling under memory pressure is still exact.
        using var big = ModelZoo.Create(TestDevices.Cpu, "edsr-baseline", 2, ModelOptions.Parse("blocks=2,features=32"));
        big.Eval();
        big.LoadStateDict(network.StateDict());
        var whole = new Upscaler(big, new UpscaleOptions { Tile = 1000 }).UpscalePlanes(input);
        Assert.True(InferenceTestNetworks.MaxAbsDifference(whole, tiled) <= ExactTilingTests.Tolerance);
    }

    [Fact]
    public void The_self_ensemble_plans_one_pass_and_its_running_sum_under_the_cap()
    {
        using var device = new CpuDevice();
        var (upscaler, memory, cap) = CappedUpscaler(device, new UpscaleOptions { SelfEnsemble = true });
        using var _ = upscaler;
        var input = InferenceTestNetworks.RandomInput(upscaler.Network, 150, 170);
        var tiling = upscaler.PlanTiles(3, input.Height, input.Width);
        var rows = TileSpans.Measure(input.Height, tiling.TileHeight, tiling.Overlap, tiling.UniformRegions, alignEnd: true);
        var columns = TileSpans.Measure(input.Width, tiling.TileWidth, tiling.Overlap, tiling.UniformRegions, alignEnd: true);
        output.WriteLine($"ensemble: tile {tiling.TileWidth}x{tiling.TileHeight}, largest region {columns.Largest}x{rows.Largest}, {tiling.TileCount(input.Height, input.Width)} tiles");
        Assert.True(tiling.SelfEnsemble);
        // One pass and the running sum of 3 channels at 2× on each side, 4 bytes a sample, fit the budget.
        Assert.True(TileShapes.Fits(memory, 4.0 * 3 * 2 * 2, rows.Largest, columns.Largest, TilePlanner.BudgetBytes(device, null)));

        device.Memory.ResetPeak();
        upscaler.UpscalePlanes(input); // throws DeviceOutOfMemoryException past the cap
        Assert.True(device.Memory.PeakInUseBytes <= cap);
    }

    /// <summary>
    /// EDSR-baseline x2 (2 blocks of 32 features) on <paramref name="device"/>, whose cap then holds an 80×80 pass and
    /// not a 150×170 image.
    /// </summary>
    private static (Upscaler Upscaler, ForwardMemory Memory, long Cap) CappedUpscaler(CpuDevice device, UpscaleOptions? options = null)
    {
        Models.Modules.Init.Seed(3);
        var network = ModelZoo.Create(device, "edsr-baseline", 2, ModelOptions.Parse("blocks=2,features=32"));
        network.Eval();
        var upscaler = new Upscaler(network, options);
        var memory = upscaler.ForwardMemoryOf(3);
        long cap = device.Memory.InUseBytes + (long)(memory.BytesFor(80, 80) / TilePlanner.Headroom) + 64;
        device.Memory.Trim();
        device.Memory.CapBytes = cap;
        return (upscaler, memory, cap);
    }

    [Fact]
    public void Small_images_run_in_one_piece_and_an_explicit_tile_is_kept()
    {
        using var network = InferenceTestNetworks.Create(TestDevices.Cpu, "edsr-baseline", 2);
        var byMemory = new Upscaler(network).PlanTiles(3, 40, 50);
        Assert.Equal(1, byMemory.TileCount(40, 50));
        var fixedTile = new Upscaler(network, new UpscaleOptions { Tile = 16, TileOverlap = 9 }).PlanTiles(3, 40, 50);
        Assert.Equal((16, 9), (fixedTile.Tile, fixedTile.Overlap));
        Assert.Equal(3 * 4, fixedTile.TileCount(40, 50));
    }

    [Fact]
    public void Srcnn_tiles_and_overlap_are_given_in_lr_pixels()
    {
        using var network = InferenceTestNetworks.Create(TestDevices.Cpu, "srcnn", 3);
        var tiling = new Upscaler(network, new UpscaleOptions { Tile = 10 }).PlanTiles(1, 90, 90);
        Assert.Equal(30, tiling.Tile);
        Assert.Equal(network.ReceptiveRadius * 3, tiling.Overlap);
        Assert.True(tiling.Overlap >= 8); // 9×9, 5×5, 5×5 reach 8 input pixels
    }

    [Fact]
    public void Too_little_memory_for_the_smallest_exact_tile_is_a_clear_error()
    {
        using var device = new CpuDevice(64 * MiB);
        using var network = InferenceTestNetworks.Create(device, "edsr-baseline", 2);
        long tiny = device.Memory.InUseBytes + 4096;
        var upscaler = new Upscaler(network, new UpscaleOptions { MaxMemoryBytes = tiny });
        var error = Assert.Throws<SuperResException>(() => upscaler.PlanTiles(3, 100, 100));
        output.WriteLine(error.Message);
        Assert.Contains("--max-memory", error.Message);
    }

    [Fact]
    public void Largest_tile_respects_the_budget_exactly()
    {
        var memory = new ForwardMemory(1000, 10);
        int? tile = TilePlanner.LargestTile(memory, 5, 1000 + 10 * 40 * 40);
        Assert.Equal(40 - 2 * 5 - (ConvolutionTiling.Alignment - 1), tile); // the region may start up to 3 pixels early
        Assert.Null(TilePlanner.LargestTile(memory, 5, 1000 + 10 * 17 * 17));
        Assert.Null(TilePlanner.LargestTile(memory, 0, 500));
    }
}
