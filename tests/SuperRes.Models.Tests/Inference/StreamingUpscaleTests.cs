namespace SuperRes.Models.Tests.Inference;

/// <summary>
/// <see cref="Upscaler.UpscaleToPixels"/> assembles the output tile by tile as integer samples, converting each tile
/// on a second task, from float planes or from samples at the image's own bit depth (the input becomes float per tile;
/// a Y network's Cb/Cr and SRCNN's enlarged input are made per region). Its samples equal <see cref="Upscaler.Upscale(Image, Action?, bool)"/>'s levels for every kind of image and
/// network convention, untiled and with tiles of several sizes (odd image sizes, tiles dividing neither side); a
/// network that produces NaN stops the run with the one-line error.
/// </summary>
[Collection(NetworkCollection.Name)]
public sealed class StreamingUpscaleTests
{
    public static TheoryData<string, int> Networks => new()
    {
        { "fsrcnn", 3 },        // Y network
        { "srcnn", 2 },         // Y network on the bicubic-enlarged image
        { "edsr-baseline", 2 }, // RGB in [0, 255]
        { "srresnet", 2 },      // RGB in [0, 1]
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Samples_equal_the_in_memory_pipeline(string name, int scale)
    {
        using var network = InferenceTestNetworks.Create(TestDevices.Cpu, name, scale);
        var images = new (string Kind, Image Image)[]
        {
            ("gray8", RandomImage(1, 8)), ("gray16", RandomImage(1, 16)), ("rgb8", RandomImage(3, 8)),
            ("rgb16", RandomImage(3, 16)), ("rgba8", RandomImage(4, 8)),
        };
        foreach (int? tile in new int?[] { null, 5, 8, 12 })
        {
            var upscaler = new Upscaler(network, new UpscaleOptions { Tile = tile, Warning = _ => { } }); // not disposed: it owns the shared network
            var whole = new Upscaler(network);
            foreach (var (kind, image) in images)
            {
                var before = (float[])image.Data.Clone();
                var expected = whole.Upscale(image);
                // From float planes and from the samples at their own bit depth (what the CLI decodes to).
                foreach (var source in new IImageSource[] { image, PixelImage.FromLevels(image)! })
                {
                    var actual = upscaler.UpscaleToPixels(source).ToImage();
                    Assert.Equal((expected.Width, expected.Height, expected.Channels, expected.BitDepth), (actual.Width, actual.Height, actual.Channels, actual.BitDepth));
                    Assert.True(expected.Data.AsSpan().SequenceEqual(actual.Data), $"{name} x{scale}, {kind}, tile {tile}, {source.GetType().Name}: samples differ from the untiled in-memory upscale");
                }
                Assert.True(before.AsSpan().SequenceEqual(image.Data), $"{name} x{scale}, {kind}: the input image was modified");
            }
        }
    }

    [Fact]
    public void A_network_that_produces_NaN_stops_with_a_one_line_error()
    {
        using var network = InferenceTestNetworks.Create(TestDevices.Cpu, "edsr-baseline", 2);
        var weight = network.NamedParameters().First(p => p.Value.Shape.Rank == 4).Value;
        var data = weight.ToArray();
        data[0] = float.NaN;
        weight.CopyFrom(data);
        var upscaler = new Upscaler(network, new UpscaleOptions { Tile = 6 });
        var e = Assert.Throws<SuperResException>(() => upscaler.UpscaleToPixels(RandomImage(3, 8)));
        Assert.Contains("non-finite", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    private static Image RandomImage(int channels, int bitDepth)
    {
        var image = new Image(23, 17, channels, bitDepth);
        var rng = new Random(channels * 29 + bitDepth);
        for (int i = 0; i < image.Data.Length; i++)
            image.Data[i] = rng.Next((int)image.MaxValue + 1);
        return image;
    }
}
