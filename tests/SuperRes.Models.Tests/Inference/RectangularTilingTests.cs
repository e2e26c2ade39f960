namespace SuperRes.Models.Tests.Inference;

/// <summary>
/// Rectangular tiles and the per-tile self-ensemble on the cpu backend: for networks whose wide layers run by
/// Winograd (rounding by grid position) and odd image sizes, tiles of any width and height (dividing neither side,
/// thinner than the context, or spanning a whole side) give the untiled output's bits, and the self-ensemble run tile
/// by tile gives the bits of the ensemble over the whole image (each flip/rotation of the image forwarded whole).
/// </summary>
[Collection(NetworkCollection.Name)]
public sealed class RectangularTilingTests(ITestOutputHelper output)
{
    private const int LrHeight = 45, LrWidth = 67;
    private static readonly (int Width, int Height)[] Shapes = [(13, 40), (67, 9), (24, 45), (40, 13), (30, 23)];

    public static TheoryData<string, int, string> Cases() => new()
    {
        { "fsrcnn", 2, "d=56,s=12,m=4" },
        { "edsr-baseline", 2, "blocks=2,features=64" },
        { "edsr-baseline", 3, "blocks=1,features=48" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rectangular_tiles_have_the_untiled_bits(string name, int scale, string options)
    {
        using var network = Create(name, scale, options);
        var input = InferenceTestNetworks.RandomInput(network, LrHeight, LrWidth);
        var untiled = new TiledForward(network, input.Width, input.Height, 0).Run(input);
        foreach (var (width, height) in Shapes)
        {
            foreach (bool uniform in new[] { false, true })
            {
                var tiled = new TiledForward(network, width, height, network.ExactTileContext, uniform).Run(input);
                int differing = Differing(untiled, tiled);
                output.WriteLine($"{name} x{scale}, tile {width}x{height}, uniform {uniform}: {differing} of {untiled.Data.Length} floats differ");
                Assert.Equal(0, differing);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_self_ensemble_tile_by_tile_has_the_whole_image_ensembles_bits(string name, int scale, string options)
    {
        using var network = Create(name, scale, options);
        var input = InferenceTestNetworks.RandomInput(network, LrHeight, LrWidth);
        var expected = WholeImageEnsemble(network, input);
        foreach (var (width, height) in Shapes.Append((LrWidth, LrHeight)))
        {
            foreach (bool uniform in new[] { false, true })
            {
                var tiled = new TiledForward(network, width, height, network.ExactTileContext, uniform, selfEnsemble: true).Run(input);
                int differing = Differing(expected, tiled);
                output.WriteLine($"{name} x{scale}, ensemble, tile {width}x{height}, uniform {uniform}: {differing} of {expected.Data.Length} floats differ");
                Assert.Equal(0, differing);
            }
        }
    }

    [Theory]
    [InlineData("fsrcnn", 3, "d=8,s=4,m=2")]
    [InlineData("edsr-baseline", 2, "blocks=1,features=64")]
    public void The_streamed_self_ensemble_equals_the_in_memory_one(string name, int scale, string options)
    {
        using var network = Create(name, scale, options);
        var whole = new Upscaler(network, new UpscaleOptions { SelfEnsemble = true });
        foreach (var (channels, bitDepth) in new[] { (3, 8), (1, 16) })
        {
            var image = RandomImage(channels, bitDepth, 29, 21);
            var expected = whole.Upscale(image);
            foreach (int? tile in new int?[] { null, 6, 11 })
            {
                var upscaler = new Upscaler(network, new UpscaleOptions { SelfEnsemble = true, Tile = tile });
                var actual = upscaler.UpscaleToPixels(PixelImage.FromLevels(image)!).ToImage();
                Assert.True(expected.Data.AsSpan().SequenceEqual(actual.Data), $"{name} x{scale}, {channels} channel(s) {bitDepth} bits, tile {tile}: samples differ");
            }
        }
        // The ensemble changes the output (so the comparison above is of the ensemble).
        var plain = new Upscaler(network).Upscale(RandomImage(3, 8, 29, 21));
        Assert.False(plain.Data.AsSpan().SequenceEqual(whole.Upscale(RandomImage(3, 8, 29, 21)).Data));
    }

    /// <summary>The ensemble as first defined: each symmetry of the whole image forwarded in one piece, mapped back, summed in order, divided by 8.</summary>
    private static Image WholeImageEnsemble(SrNetwork network, Image input)
    {
        Image? sum = null;
        for (int symmetry = 0; symmetry < 8; symmetry++)
        {
            var transformed = input.Transform(symmetry);
            var result = new TiledForward(network, transformed.Width, transformed.Height, 0).Run(transformed).InverseTransform(symmetry);
            if (sum is null)
            {
                sum = result;
                continue;
            }
            for (int i = 0; i < sum.Data.Length; i++)
                sum.Data[i] += result.Data[i];
        }
        for (int i = 0; i < sum!.Data.Length; i++)
            sum.Data[i] /= 8;
        return sum;
    }

    private static SrNetwork Create(string name, int scale, string options)
    {
        Models.Modules.Init.Seed(3);
        var network = ModelZoo.Create(TestDevices.Cpu, name, scale, ModelOptions.Parse(options));
        network.Eval();
        return network;
    }

    private static int Differing(Image expected, Image actual)
    {
        Assert.Equal((expected.Channels, expected.Height, expected.Width), (actual.Channels, actual.Height, actual.Width));
        return Enumerable.Range(0, expected.Data.Length)
            .Count(i => BitConverter.SingleToInt32Bits(expected.Data[i]) != BitConverter.SingleToInt32Bits(actual.Data[i]));
    }

    private static Image RandomImage(int channels, int bitDepth, int width, int height)
    {
        var image = new Image(width, height, channels, bitDepth);
        var rng = new Random(channels * 29 + bitDepth);
        for (int i = 0; i < image.Data.Length; i++)
            image.Data[i] = rng.Next((int)image.MaxValue + 1);
        return image;
    }
}
