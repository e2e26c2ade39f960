namespace SuperRes.Models.Tests.Inference;

/// <summary>
/// Tiled inference is exact: for every zoo network whose reach is purely convolutional, tiles that read the
/// network's <see cref="SrNetwork.ReceptiveRadius"/> of context give the untiled output (max abs difference
/// ≤ 1e-5 before quantisation) on odd image sizes with tiles that do not divide them. The radius is also shown
/// to be needed: one pixel less of overlap changes the output, so the test fails for a radius that is too small
/// and would notice one that is larger than the reach.
/// </summary>
[Collection(NetworkCollection.Name)]
public sealed class ExactTilingTests(ITestOutputHelper output)
{
    public const double Tolerance = 1e-5;

    // Odd LR sizes, and tiles that divide neither.
    private const int LrHeight = 29, LrWidth = 37;
    private static readonly int[] Tiles = [7, 12];

    public static TheoryData<string, int, string> ExactCases()
    {
        var data = new TheoryData<string, int, string>();
        foreach (var entry in ModelZoo.BuiltIn.Where(e => e.Capabilities.TilesExactly))
            foreach (int scale in entry.Scales)
                foreach (var device in new[] { "cpu", "opencl" })
                    data.Add(entry.Name, scale, device);
        return data;
    }

    [Fact]
    public void Every_zoo_network_is_covered()
    {
        Assert.Equal(ModelZoo.BuiltIn.Select(e => e.Name).Order(), InferenceTestNetworks.Reduced.Keys.Order());
    }

    [Theory]
    [MemberData(nameof(ExactCases))]
    public void Tiles_with_the_receptive_radius_equal_the_untiled_output(string name, int scale, string deviceName)
    {
        var device = TestDevices.ByName(deviceName, output);
        if (device is null)
            return;
        using var network = InferenceTestNetworks.Create(device, name, scale);
        var input = InferenceTestNetworks.RandomInput(network, LrHeight, LrWidth);
        int radius = network.ReceptiveRadius;

        var untiled = Forward(network, input);
        var whole = new Upscaler(network).UpscalePlanes(input); // small image: the planner runs it in one piece
        Assert.Equal(0, InferenceTestNetworks.MaxAbsDifference(untiled, whole));

        // Both tile sizes on the reference device; one on OpenCL, which has the same arithmetic per pixel.
        foreach (int tile in deviceName == "cpu" ? Tiles : Tiles[^1..])
        {
            var warnings = new List<string>();
            var tiled = new Upscaler(network, new UpscaleOptions { Tile = tile, Warning = warnings.Add }).UpscalePlanes(input);
            double exact = InferenceTestNetworks.MaxAbsDifference(untiled, tiled);
            var tooLittle = new Upscaler(network, new UpscaleOptions { Tile = tile, TileOverlap = radius - 1, Warning = warnings.Add }).UpscalePlanes(input);
            double short1 = InferenceTestNetworks.MaxAbsDifference(untiled, tooLittle);
            var much = new Upscaler(network, new UpscaleOptions { Tile = tile, TileOverlap = radius / 3, Warning = _ => { } }).UpscalePlanes(input);
            double shortMuch = InferenceTestNetworks.MaxAbsDifference(untiled, much);
            output.WriteLine($"{name} x{scale} on {deviceName}, radius {radius}, tile {tile}: overlap {radius} → {exact:G3}, " +
                             $"{radius - 1} → {short1:G3}, {radius / 3} → {shortMuch:G3}");

            Assert.True(exact <= Tolerance, $"{name} x{scale}: tiled with overlap {radius} differs from untiled by {exact:G3}");
            // Regions start on the 4-pixel grid, so the left and top edges may read up to 3 pixels more: only the
            // right and bottom lose the pixel, and what it changes can be as small as the tolerance. These reduced
            // networks take no position-dependent path (their exact tiles differ by 0), so any difference is reach.
            Assert.True(short1 > 0, $"{name} x{scale}: overlap {radius - 1} still gives the untiled output: the receptive radius {radius} is larger than the reach");
            Assert.True(shortMuch > Tolerance, $"{name} x{scale}: overlap {radius / 3} gives the untiled output");
            Assert.Contains(warnings, w => w.Contains("receptive radius", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Rcan_runs_untiled_when_it_fits_and_warns_when_tiled()
    {
        var device = TestDevices.Cpu;
        using var network = InferenceTestNetworks.Create(device, "rcan", 2);
        var input = InferenceTestNetworks.RandomInput(network, LrHeight, LrWidth);
        var untiled = Forward(network, input);

        var warnings = new List<string>();
        var byDefault = new Upscaler(network, new UpscaleOptions { Warning = warnings.Add });
        Assert.False(byDefault.TilesExactly);
        Assert.Equal(0, InferenceTestNetworks.MaxAbsDifference(untiled, byDefault.UpscalePlanes(input)));
        Assert.Empty(warnings);

        // Channel attention averages over the whole tile instead of the whole image: close, not equal, and said so.
        var tiled = new Upscaler(network, new UpscaleOptions { Tile = 12, Warning = warnings.Add }).UpscalePlanes(input);
        double difference = InferenceTestNetworks.MaxAbsDifference(untiled, tiled);
        output.WriteLine($"rcan tiled 12 with overlap {network.ReceptiveRadius}: max abs difference {difference:G3}");
        Assert.True(difference > Tolerance);
        Assert.Contains(warnings, w => w.Contains("channel attention", StringComparison.Ordinal));
    }

    [Fact]
    public void Rcan_is_tiled_with_a_warning_only_when_memory_forces_it()
    {
        var device = TestDevices.Cpu;
        using var network = InferenceTestNetworks.Create(device, "rcan", 2);
        var probe = new Upscaler(network);
        var memory = probe.ForwardMemoryOf(3);
        // A cap that holds a 24×24 forward pass but not the 29×37 image.
        long cap = device.Memory.InUseBytes + (long)(memory.BytesFor(24, 24) / TilePlanner.Headroom) + 1;
        var warnings = new List<string>();
        var upscaler = new Upscaler(network, new UpscaleOptions { MaxMemoryBytes = cap, Warning = warnings.Add });
        var tiling = upscaler.PlanTiles(3, LrHeight, LrWidth);
        output.WriteLine($"cap {cap}: tile {tiling.Tile}, overlap {tiling.Overlap}");
        Assert.True(tiling.Tile < LrWidth);
        Assert.True(memory.BytesFor(tiling.Tile + 2L * tiling.Overlap, tiling.Tile + 2L * tiling.Overlap) <= TilePlanner.BudgetBytes(device, cap));
        Assert.Contains(warnings, w => w.Contains("channel attention", StringComparison.Ordinal));
    }

    private static Image Forward(SrNetwork network, Image input)
    {
        using var _ = Tape.NoGrad();
        using var x = Tensor.FromArray(network.Device, new Shape(1, input.Channels, input.Height, input.Width), input.Data);
        using var y = network.Forward(x);
        return new Image(y.Shape.W, y.Shape.H, y.Shape.C, y.ToArray());
    }
}
