using SuperRes.Imaging.Codecs;

namespace SuperRes.Imaging.Tests;

/// <summary>
/// The pieces of the streaming upscale on the imaging side: samples kept at their own bit depth (<see cref="PixelImage"/>,
/// <see cref="ImageCodec.ReadSamples"/>) read region by region as the float image's regions; bicubic enlargement region
/// by region bit for bit as the whole-image resize; a PNG written as rows arrive, in any grouping, byte for byte as the
/// whole-image encoder writes it (a BMP too), appearing only when complete.
/// </summary>
public sealed class StreamingCodecTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("superres-streaming-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Image Levels(int w, int h, int channels, int bitDepth, int seed)
    {
        var rng = new Random(seed);
        var img = new Image(w, h, channels, bitDepth);
        for (int i = 0; i < img.Data.Length; i++)
            img.Data[i] = rng.Next((int)img.MaxValue + 1);
        return img;
    }

    [Theory]
    [InlineData(1, 8)] [InlineData(3, 8)] [InlineData(1, 16)] [InlineData(3, 16)] [InlineData(4, 16)]
    public void Samples_read_back_region_by_region_as_the_float_image(int channels, int bitDepth)
    {
        var image = Levels(37, 23, channels, bitDepth, seed: channels + bitDepth);
        var pixels = PixelImage.FromLevels(image)!;
        Assert.Equal(image.Data, pixels.ToImage().Data);
        foreach (var (x, y, w, h) in new[] { (0, 0, 37, 23), (5, 3, 7, 11), (36, 22, 1, 1), (0, 10, 37, 2) })
        {
            var region = pixels.ReadRegion(x, y, w, h);
            Assert.Equal(image.Crop(x, y, w, h).Data, region.Data);
            Assert.Equal(bitDepth, region.BitDepth);
        }
    }

    [Theory]
    [InlineData(1, 8)] [InlineData(2, 8)] [InlineData(3, 8)] [InlineData(4, 8)] [InlineData(1, 16)] [InlineData(4, 16)]
    public void Rows_read_and_rounded_rows_written_are_the_regions_and_quantized_writes(int channels, int bitDepth)
    {
        var image = Levels(37, 23, channels, bitDepth, seed: 7 * channels + bitDepth);
        var pixels = PixelImage.FromLevels(image)!;
        var row = new float[9];
        foreach (IImageSource source in new IImageSource[] { image, pixels })
            for (int c = 0; c < channels; c++)
                foreach (var (x, y) in new[] { (0, 0), (28, 22), (13, 7) })
                {
                    source.ReadRow(x, y, c, row);
                    Assert.Equal(image.Crop(x, y, row.Length, 1).Plane(c).ToArray(), row);
                }
        Assert.Throws<ArgumentOutOfRangeException>(() => pixels.ReadRow(30, 0, 0, row));

        // Unrounded levels (halves, out of range, NaN), 300 of them: more than one 256-sample chunk of the rounding.
        var rng = new Random(channels);
        var levels = new Image(300, 2, channels, bitDepth);
        for (int i = 0; i < levels.Data.Length; i++)
            levels.Data[i] = (i % 50) switch { 0 => float.NaN, 1 => -3.5f, 2 => levels.MaxValue + 0.5f, 3 => 2.5f, _ => (float)(rng.NextDouble() * 1.2 * levels.MaxValue - 10) };
        var expected = new PixelImage(300, 2, channels, bitDepth);
        expected.Write(levels.Quantized(), 0, 0);
        var actual = new PixelImage(300, 2, channels, bitDepth);
        for (int y = 0; y < 2; y++)
            for (int c = 0; c < channels; c++)
                actual.WriteRounded(0, y, c, levels.Crop(0, y, 300, 1).Plane(c));
        Assert.Equal(expected.Samples, actual.Samples);
        Assert.Throws<ArgumentOutOfRangeException>(() => actual.WriteRounded(1, 0, 0, new float[300]));
    }

    [Theory]
    [InlineData("png_rgb8.png")] [InlineData("png_gray16.png")] [InlineData("png_pal2.png")] [InlineData("png_rgb8_trns.png")]
    [InlineData("png_rgba8_adam7.png")] [InlineData("png_rgb16_adam7.png")] [InlineData("png_rgba16_filters.png")] [InlineData("jpeg_420.jpg")]
    public void Rows_decoded_on_their_own_thread_are_the_whole_decodes_samples(string name)
    {
        var path = TestPaths.Fixture("images", name);
        var whole = ImageCodec.ReadSamples(path);
        var source = ImageCodec.StartReadingSamples(path);
        Assert.Equal((whole.Width, whole.Height, whole.Channels, whole.BitDepth), (source.Width, source.Height, source.Channels, source.BitDepth));
        // The last row first (it waits for the whole decode), then the rest row by row.
        var row = new float[whole.Width];
        source.ReadRow(0, whole.Height - 1, whole.Channels - 1, row);
        Assert.Equal(whole.ReadRegion(0, whole.Height - 1, whole.Width, 1).Plane(whole.Channels - 1).ToArray(), row);
        Assert.Equal(whole.ReadRegion(0, 0, whole.Width, whole.Height).Data, source.ReadRegion(0, 0, whole.Width, whole.Height).Data);
    }

    [Fact]
    public void A_PNG_decoded_as_rows_arrive_throws_a_pixel_data_error_from_the_read_that_needs_the_rows()
    {
        // A PNG whose IDAT is cut after about 40 of its 300 rows but carries a valid CRC: the structure checks pass and
        // the rows before the cut read as they are; reading a row after it throws the truncation error.
        var image = Levels(64, 300, 3, 8, seed: 5);
        var png = PngEncoder.Encode(image, level: 0, PngFilter.None);
        int idat = png.AsSpan().IndexOf("IDAT"u8) - 4;
        int length = 40 * (1 + 64 * 3);
        var cut = new MemoryStream();
        cut.Write(png.AsSpan(0, idat));
        Span<byte> head = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(head, (uint)length);
        "IDAT"u8.CopyTo(head[4..]);
        cut.Write(head);
        cut.Write(png.AsSpan(idat + 8, length));
        Span<byte> crc = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32.Compute(png.AsSpan(idat + 8, length), Crc32.Compute(head[4..])));
        cut.Write(crc);
        cut.Write(png.AsSpan(png.Length - 12)); // IEND
        var path = Path.Combine(_dir, "cut.png");
        File.WriteAllBytes(path, cut.ToArray());

        var source = ImageCodec.StartReadingSamples(path);
        var row = new float[64];
        source.ReadRow(0, 10, 1, row);
        Assert.Equal(image.Crop(0, 10, 64, 1).Plane(1).ToArray(), row);
        var e = Assert.Throws<ImageFormatException>(() => source.ReadRow(0, 299, 0, row));
        Assert.Contains("cut.png", e.Message);
        Assert.Contains("truncated", e.Message);
        Assert.Equal(e.Message, Assert.Throws<ImageFormatException>(() => ImageCodec.ReadSamples(path)).Message);
    }

    [Fact]
    public void Only_integer_levels_are_taken_as_samples()
    {
        var image = Levels(5, 4, 3, 8, seed: 1);
        image.Data[7] = 12.5f;
        Assert.Null(PixelImage.FromLevels(image));
        image.Data[7] = 256;
        Assert.Null(PixelImage.FromLevels(image));
    }

    [Theory]
    [InlineData(1, 16)] [InlineData(3, 16)] [InlineData(3, 8)] [InlineData(2, 8)]
    public void A_PNG_is_read_as_samples_at_its_own_bit_depth(int channels, int bitDepth)
    {
        var image = Levels(31, 17, channels, bitDepth, seed: 3);
        var path = Path.Combine(_dir, "in.png");
        ImageCodec.Write(path, image);
        var samples = Assert.IsType<PixelImage>(ImageCodec.ReadSamples(path));
        Assert.Equal((channels, bitDepth), (samples.Channels, samples.BitDepth));
        Assert.Equal(ImageCodec.Read(path).Data, samples.ToImage().Data);
    }

    [Theory]
    [InlineData(2)] [InlineData(3)] [InlineData(4)]
    public void Bicubic_regions_equal_the_whole_image_resize_bit_for_bit(int scale)
    {
        var image = Levels(29, 19, 2, 8, seed: scale);
        var whole = Resize.Bicubic(image, image.Width * scale, image.Height * scale);
        var region = new BicubicRegion(image.Width, image.Height, whole.Width, whole.Height);
        foreach (var (x, y, w, h) in new[] { (0, 0, whole.Width, whole.Height), (0, 0, 5, 3), (13, 7, 21, 30), (whole.Width - 4, whole.Height - 9, 4, 9) })
        {
            var (sx, sy, sw, sh) = region.SourceOf(x, y, w, h);
            Assert.True(sx >= 0 && sy >= 0 && sx + sw <= image.Width && sy + sh <= image.Height);
            var part = region.Resize(image.Crop(sx, sy, sw, sh), sx, sy, x, y, w, h);
            Assert.True(whole.Crop(x, y, w, h).Data.AsSpan().SequenceEqual(part.Data), $"x{scale}: region {w}x{h}+{x}+{y} differs");
        }
    }

    [Theory]
    [InlineData(2)] [InlineData(3)] [InlineData(4)]
    public void Bicubic_regions_of_any_offset_and_width_equal_the_whole_image_resize(int scale)
    {
        // Wide enough for the periodic middle (PeriodicColumns) to run several blocks; random regions start and end
        // at every phase, in the middle and at the edges, where the gathered kernel takes over.
        var image = Levels(157, 11, 1, 16, seed: 10 + scale);
        var whole = Resize.Bicubic(image, image.Width * scale, image.Height * scale);
        var region = new BicubicRegion(image.Width, image.Height, whole.Width, whole.Height);
        Assert.NotNull(PeriodicColumns.Find(Resize.Contributions(image.Width, whole.Width, scale), image.Width));
        var rng = new Random(scale);
        for (int t = 0; t < 60; t++)
        {
            int x = rng.Next(whole.Width), w = 1 + rng.Next(whole.Width - x), y = rng.Next(whole.Height), h = 1 + rng.Next(whole.Height - y);
            var (sx, sy, sw, sh) = region.SourceOf(x, y, w, h);
            var part = region.Resize(image.Crop(sx, sy, sw, sh), sx, sy, x, y, w, h);
            Assert.True(whole.Crop(x, y, w, h).Data.AsSpan().SequenceEqual(part.Data), $"x{scale}: region {w}x{h}+{x}+{y} differs");
        }
    }

    /// <summary>The file <see cref="ImageCodec.CreateWriter"/> writes when handed the rows a few at a time; it must not exist before the last.</summary>
    internal static byte[] WrittenAsRowsArrive(string path, PixelImage pixels, int rowsAtATime)
    {
        using (var sink = ImageCodec.CreateWriter(path, pixels.Width, pixels.Height, pixels.Channels, pixels.BitDepth))
        {
            for (int y = 0; y < pixels.Height; y += rowsAtATime)
            {
                Assert.False(File.Exists(path));
                sink.WriteRows(pixels.Rows(y, Math.Min(rowsAtATime, pixels.Height - y)));
            }
            sink.Complete();
        }
        return File.ReadAllBytes(path);
    }

    [Theory]
    [InlineData(1, 8, 1)] [InlineData(3, 16, 7)] [InlineData(3, 8, 1000)]
    public void A_PNG_written_as_rows_arrive_is_the_whole_image_encoders_bytes(int channels, int bitDepth, int rowsAtATime)
    {
        // 900 × 700 RGB at 16 bits is 3.8 MB of rows: several bands and IDAT chunks.
        var pixels = PixelImage.FromLevels(Levels(900, 700, channels, bitDepth, seed: rowsAtATime))!;
        var expected = PngEncoder.Encode(pixels.ToImage());
        Assert.Equal(expected, WrittenAsRowsArrive(Path.Combine(_dir, "out.png"), pixels, rowsAtATime));
        Assert.Equal(expected, PngEncoder.Encode(pixels));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Theory]
    [InlineData(1, 8, 1)] [InlineData(2, 8, 5)] [InlineData(3, 8, 64)] [InlineData(4, 16, 3)] [InlineData(3, 16, 500)]
    public void A_BMP_written_as_rows_arrive_is_the_whole_image_encoders_bytes(int channels, int bitDepth, int rowsAtATime)
    {
        // 301 pixels a row: padded rows at 8 and 24 bits.
        var pixels = PixelImage.FromLevels(Levels(301, 97, channels, bitDepth, seed: rowsAtATime))!;
        var expected = BmpCodec.Encode(pixels.ToImage());
        Assert.Equal(expected, WrittenAsRowsArrive(Path.Combine(_dir, "out.bmp"), pixels, rowsAtATime));
        Assert.Equal(expected, ImageCodec.Encode(pixels, ImageFormat.Bmp));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Theory]
    [InlineData("out.png")] [InlineData("out.jpg")] [InlineData("out.bmp")]
    public void An_output_abandoned_before_its_last_row_leaves_no_file(string name)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, "the previous output");
        using (var sink = ImageCodec.CreateWriter(path, 40, 30, 3, 8))
        {
            sink.WriteRows(new byte[10 * sink.RowBytes]);
            Assert.Throws<InvalidOperationException>(sink.Complete);
        }
        Assert.Equal("the previous output", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_dir));
    }
}
