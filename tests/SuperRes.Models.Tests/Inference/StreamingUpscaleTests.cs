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
            ("rgb16", RandomImage(3, 16)), ("rgba8", RandomImage(4, 8)), ("rgba16", RandomImage(4, 16)),
            ("gray-alpha8", RandomImage(2, 8)), ("gray-alpha16", RandomImage(2, 16)),
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

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(37)]
    public void Non_finite_values_are_counted_wherever_they_are(int length)
    {
        // Every position once, vector lanes and the scalar remainder alike; large finite values and subnormals are not counted.
        for (int at = 0; at < length; at++)
            foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
            {
                var values = Enumerable.Range(0, length).Select(i => i % 2 == 0 ? float.MaxValue : float.Epsilon).ToArray();
                Assert.Equal(0, Upscaler.NonFinite(values));
                values[at] = bad;
                Assert.Equal(1, Upscaler.NonFinite(values));
            }
        var all = Enumerable.Repeat(float.NaN, length).ToArray();
        Assert.Equal(length, Upscaler.NonFinite(all));
    }

    [Theory]
    [InlineData(1, 16)]
    [InlineData(3, 8)]
    public void A_Y_network_converts_large_blocks_strip_by_strip_with_chroma_per_strip(int channels, int bitDepth)
    {
        // 200×150 x3 untiled: one 600×450 block of 270,000 pixels, more than a strip's 2^18, so it is converted in two
        // strips (436 and 14 rows), each with its own Cb/Cr enlarged from the image rows it reads.
        using var network = InferenceTestNetworks.Create(TestDevices.Cpu, "fsrcnn", 3);
        var image = RandomImage(channels, bitDepth, 200, 150);
        var expected = new Upscaler(network).Upscale(image);
        var actual = new Upscaler(network).UpscaleToPixels(PixelImage.FromLevels(image)!).ToImage();
        Assert.Equal(bitDepth, actual.BitDepth);
        Assert.True(expected.Data.AsSpan().SequenceEqual(actual.Data), $"{channels} channel(s), {bitDepth} bits: samples differ from the in-memory upscale");
    }

    [Fact]
    public void An_error_in_the_output_stops_the_tiles_and_is_rethrown_as_it_is()
    {
        using var network = InferenceTestNetworks.Create(TestDevices.Cpu, "edsr-baseline", 2);
        var upscaler = new Upscaler(network, new UpscaleOptions { Tile = 4 });
        var image = RandomImage(3, 8);
        int tiles = 0;
        using var sink = new FailingSink(image.Width * 2, image.Height * 2, 3, 8);
        var e = Assert.Throws<IOException>(() => upscaler.UpscaleTo(image, sink, () => tiles++));
        Assert.Equal(FailingSink.Message, e.Message);
        // The first band fails: the forwards stop within the blocks already queued, far short of the 6 × 5 tiles.
        Assert.True(tiles < 6 * 5 - 2, $"{tiles} tiles ran after the output failed");
        Assert.Equal(0, sink.Completed);
    }

    private sealed class FailingSink(int width, int height, int channels, int bitDepth) : ImageRowSink(width, height, channels, bitDepth)
    {
        public const string Message = "No space left on device : 'out.png'";

        public int Completed { get; private set; }

        protected override void Accept(ReadOnlySpan<byte> rows, int first) => throw new IOException(Message);

        protected override void Finish() => Completed++;
    }

    private static Image RandomImage(int channels, int bitDepth, int width = 23, int height = 17)
    {
        var image = new Image(width, height, channels, bitDepth);
        var rng = new Random(channels * 29 + bitDepth);
        for (int i = 0; i < image.Data.Length; i++)
            image.Data[i] = rng.Next((int)image.MaxValue + 1);
        return image;
    }
}
