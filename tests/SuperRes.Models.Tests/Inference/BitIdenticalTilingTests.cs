namespace SuperRes.Models.Tests.Inference;

/// <summary>
/// On the cpu backend a tiled upscale gives the untiled one's bits, not just values within rounding: for zoo
/// networks at widths that take the fast paths (FSRCNN's transposed convolution, 3×3 layers of 64 channels that
/// Winograd would take), random weights, odd image sizes and tiles that divide neither side, every float of the
/// network's output is compared bitwise. The default tiling may then pick any tile size without changing a pixel.
/// </summary>
[Collection(NetworkCollection.Name)]
public sealed class BitIdenticalTilingTests(ITestOutputHelper output)
{
    private const int LrHeight = 45, LrWidth = 67;
    private static readonly int[] Tiles = [13, 24, 40];

    public static TheoryData<string, int, string> Cases() => new()
    {
        { "fsrcnn", 2, "d=56,s=12,m=4" },
        { "fsrcnn", 3, "d=56,s=12,m=4" },
        { "edsr-baseline", 2, "blocks=2,features=64" },
        { "edsr-baseline", 4, "blocks=1,features=64" },
        { "srresnet", 2, "blocks=1,features=64" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Tiled_output_has_the_untiled_bits(string name, int scale, string options)
    {
        Models.Modules.Init.Seed(3);
        using var network = ModelZoo.Create(TestDevices.Cpu, name, scale, ModelOptions.Parse(options));
        network.Eval();
        var input = InferenceTestNetworks.RandomInput(network, LrHeight, LrWidth);
        var untiled = new Upscaler(network).UpscalePlanes(input); // small image: one piece
        foreach (int tile in Tiles)
        {
            var tiled = new Upscaler(network, new UpscaleOptions { Tile = tile }).UpscalePlanes(input);
            int differing = Enumerable.Range(0, untiled.Data.Length)
                .Count(i => BitConverter.SingleToInt32Bits(untiled.Data[i]) != BitConverter.SingleToInt32Bits(tiled.Data[i]));
            output.WriteLine($"{name} x{scale} ({options}), tile {tile}: {differing} of {untiled.Data.Length} floats differ");
            Assert.Equal(0, differing);
        }
    }
}
