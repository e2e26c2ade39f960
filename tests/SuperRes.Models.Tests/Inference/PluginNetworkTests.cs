using SuperRes.ExamplePlugin;

namespace SuperRes.Models.Tests.Inference;

/// <summary>
/// The worked example of docs/porting.md: two networks outside the zoo, registered from the example plugin
/// assembly through the public registry, load from their weight files by name, and tile as they declare —
/// the one without global pooling exactly, the one with channel attention approximately and with a warning.
/// </summary>
[Collection(NetworkCollection.Name)]
public sealed class PluginNetworkTests(ITestOutputHelper output)
{
    private const int LrHeight = 29, LrWidth = 37;

    public static readonly string PluginPath = Path.Combine(AppContext.BaseDirectory, "SuperRes.ExamplePlugin.dll");

    private static SrNetwork Create(string name, int scale)
    {
        ModelPlugins.Load(PluginPath);
        Init.Seed(5);
        var network = ModelZoo.Create(TestDevices.Cpu, name, scale, ModelOptions.Parse("features=8"));
        network.Eval();
        return network;
    }

    [Fact]
    public void The_plugin_registers_both_networks_once()
    {
        ModelPlugins.Load(PluginPath);
        Assert.Empty(ModelPlugins.Load(PluginPath)); // loading it again registers nothing twice
        var names = ModelZoo.Entries.Select(e => e.Name).ToList();
        Assert.Contains(TinyConvNet.Entry.Name, names);
        Assert.Contains(TinyAttentionNet.Entry.Name, names);
        Assert.True(ModelZoo.Find("tiny-conv").Capabilities.TilesExactly);
        Assert.False(ModelZoo.Find("tiny-attention").Capabilities.TilesExactly);
        var e = Assert.Throws<SuperResException>(() => ModelZoo.Register(TinyConvNet.Entry with { Description = "another" }));
        Assert.Contains("already registered", e.Message);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void The_network_without_global_pooling_tiles_exactly(int scale)
    {
        using var network = Create("tiny-conv", scale);
        var input = InferenceTestNetworks.RandomInput(network, LrHeight, LrWidth);
        var untiled = new Upscaler(network).UpscalePlanes(input);
        foreach (int tile in new[] { 7, 12 })
        {
            var warnings = new List<string>();
            var tiled = new Upscaler(network, new UpscaleOptions { Tile = tile, Warning = warnings.Add }).UpscalePlanes(input);
            var short1 = new Upscaler(network, new UpscaleOptions { Tile = tile, TileOverlap = network.ReceptiveRadius - 1, Warning = _ => { } }).UpscalePlanes(input);
            Assert.Empty(warnings);
            Assert.True(InferenceTestNetworks.MaxAbsDifference(untiled, tiled) <= ExactTilingTests.Tolerance, $"tiny-conv x{scale} tile {tile} is not exact");
            Assert.True(InferenceTestNetworks.MaxAbsDifference(untiled, short1) > ExactTilingTests.Tolerance, $"tiny-conv x{scale}: the radius is larger than the reach");
        }
    }

    [Fact]
    public void The_network_with_global_pooling_warns_when_tiled()
    {
        using var network = Create("tiny-attention", 2);
        var input = InferenceTestNetworks.RandomInput(network, LrHeight, LrWidth);
        var warnings = new List<string>();
        var untiled = new Upscaler(network, new UpscaleOptions { Warning = warnings.Add }).UpscalePlanes(input);
        Assert.Empty(warnings); // it fits in memory: one piece, exact, nothing to say

        var tiled = new Upscaler(network, new UpscaleOptions { Tile = 12, Warning = warnings.Add }).UpscalePlanes(input);
        double difference = InferenceTestNetworks.MaxAbsDifference(untiled, tiled);
        output.WriteLine($"tiny-attention tiled 12: max abs difference {difference:G3}; warning: {string.Join(" | ", warnings)}");
        Assert.True(difference > ExactTilingTests.Tolerance);
        Assert.Contains(warnings, w => w.Contains("does not tile exactly", StringComparison.Ordinal) && w.Contains("channel attention", StringComparison.Ordinal));
    }

    [Fact]
    public void A_plugin_network_saves_and_loads_by_the_name_in_its_metadata()
    {
        using var network = Create("tiny-conv", 3);
        using var dir = new TempDir("plugin");
        string path = Path.Combine(dir.Path, "tiny.safetensors");
        NetworkWeights.Save(network, path);
        var (loaded, report) = NetworkWeights.Load(TestDevices.Cpu, path);
        using var _ = loaded;
        Assert.True(report.IsComplete);
        Assert.Equal(("tiny-conv", 3), (loaded.Architecture, loaded.Scale));
        using var upscaler = Upscaler.Load(TestDevices.Cpu, null, null, path);
        var image = new Image(5, 4, 3);
        Assert.Equal((15, 12), (upscaler.Upscale(image).Width, upscaler.Upscale(image).Height));
    }

    [Fact]
    public void A_file_that_is_not_a_plugin_fails_with_its_name()
    {
        using var dir = new TempDir("plugin");
        string path = Path.Combine(dir.Path, "not-a-plugin.dll");
        File.WriteAllText(path, "MZ no");
        var e = Assert.Throws<SuperResException>(() => ModelPlugins.Load(path));
        Assert.Contains(path, e.Message);
        var none = Assert.Throws<SuperResException>(() => ModelPlugins.Load(typeof(Module).Assembly.Location));
        Assert.Contains("no public class implements IModelPlugin", none.Message);
    }
}
