using System.Diagnostics;
using SuperRes.Imaging.Codecs;

namespace SuperRes.Imaging.Tests;

/// <summary>
/// A JPEG written as rows arrive (<see cref="JpegStreamEncoder"/>): strips compressed apart and joined by restart
/// markers decode sample for sample as the whole-image encode does, for every subsampling, odd sizes, a short last
/// strip and the layouts converted to 8-bit gray or RGB; an image of one strip is the whole-image bytes; ImageMagick
/// reads the joined file as we do; strips the joining cannot carry are refused.
/// </summary>
public sealed class JpegStreamTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("superres-jpeg-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static PixelImage Pixels(int w, int h, int channels, int bitDepth, int seed) =>
        PixelImage.FromLevels(PngEncoderTests.Photo(w, h, channels, bitDepth, seed).Quantized())!;

    private static byte[] Streamed(PixelImage pixels, int quality, int stripSampleBytes, int rowsAtATime)
    {
        var output = new MemoryStream();
        var encoder = new JpegStreamEncoder(output, "test.jpg", pixels.Width, pixels.Height, pixels.Channels, pixels.BitDepth, quality, stripSampleBytes);
        for (int y = 0; y < pixels.Height; y += rowsAtATime)
            encoder.WriteRows(pixels.Rows(y, Math.Min(rowsAtATime, pixels.Height - y)));
        encoder.Complete();
        return output.ToArray();
    }

    private static int RestartMarkers(byte[] jpeg)
    {
        int count = 0;
        for (int i = 0; i + 1 < jpeg.Length; i++)
            if (jpeg[i] == 0xFF && jpeg[i + 1] is >= 0xD0 and <= 0xD7)
                count++;
        return count;
    }

    [Theory]
    // channels, bit depth, quality (≥ 90: 4:4:4, below: 4:2:0), size, samples a strip (0: one MCU row), rows handed over at a time
    [InlineData(1, 8, 95, 37, 101, 0, 7)]       // gray, 8-row strips, last strip 5 rows
    [InlineData(3, 8, 95, 45, 70, 0, 1)]        // 4:4:4, 8-row strips, last strip 6 rows
    [InlineData(3, 8, 75, 53, 75, 0, 100)]      // 4:2:0, 16-row strips, last strip 11 rows
    [InlineData(3, 8, 75, 301, 203, 20000, 9)]  // 4:2:0, 16-row strips of 19 MCUs, more than 8 strips (RST0…RST7 wrap)
    [InlineData(3, 8, 92, 130, 333, 60000, 13)] // 4:4:4, 152-row strips, last 29 rows
    [InlineData(3, 16, 75, 41, 50, 0, 4)]       // 16 bits, converted as the whole-image path converts them
    [InlineData(4, 8, 95, 33, 43, 0, 3)]        // alpha dropped
    [InlineData(2, 16, 80, 19, 30, 0, 30)]      // gray + alpha at 16 bits: gray
    public void Strips_joined_by_restart_markers_decode_as_the_whole_image_encode(int channels, int bitDepth, int quality, int w, int h, int stripSampleBytes, int rowsAtATime)
    {
        var pixels = Pixels(w, h, channels, bitDepth, seed: w + h);
        var streamed = Streamed(pixels, quality, stripSampleBytes, rowsAtATime);
        var whole = JpegCodec.Encode(pixels, quality);

        int rowsPerStrip = JpegStreamEncoder.RowsPerStrip(w, h, JpegCodec.IsGray(channels), quality, stripSampleBytes);
        int strips = (h + rowsPerStrip - 1) / rowsPerStrip;
        Assert.True(strips > 1 && h % rowsPerStrip != 0, $"{strips} strips of {rowsPerStrip} rows");
        Assert.Equal(strips - 1, RestartMarkers(streamed));
        Assert.Equal(0, RestartMarkers(whole));

        var expected = JpegCodec.DecodePixels(whole, "whole")!;
        var actual = JpegCodec.DecodePixels(streamed, "streamed")!;
        Assert.Equal((w, h, expected.Channels), (actual.Width, actual.Height, actual.Channels));
        Assert.True(expected.Samples.AsSpan().SequenceEqual(actual.Samples), "the joined strips decode to other samples");
    }

    [Theory]
    [InlineData(1, 95)] [InlineData(3, 95)] [InlineData(3, 75)]
    public void An_image_of_one_strip_is_the_whole_image_encoders_bytes(int channels, int quality)
    {
        var pixels = Pixels(70, 45, channels, 8, seed: channels);
        var path = Path.Combine(_dir, "small.jpg");
        using (var sink = ImageCodec.CreateWriter(path, pixels.Width, pixels.Height, channels, 8, quality: quality))
        {
            sink.WriteRows(pixels.Samples);
            sink.Complete();
        }
        Assert.Equal(JpegCodec.Encode(pixels, quality), File.ReadAllBytes(path));
    }

    [Fact]
    public async Task ImageMagick_reads_a_file_written_as_rows_arrive_as_we_do()
    {
        // 1000 × 700 RGB is 2.1 MB of samples: three strips of the default size.
        var pixels = Pixels(1000, 700, 3, 8, seed: 11);
        var path = Path.Combine(_dir, "out.jpg");
        var written = StreamingCodecTests.WrittenAsRowsArrive(path, pixels, rowsAtATime: 64);
        Assert.Equal(2, RestartMarkers(written));
        var ours = JpegCodec.DecodePixels(written, path)!;
        Assert.True(JpegCodec.DecodePixels(JpegCodec.Encode(pixels, ImageCodec.DefaultJpegQuality), "whole")!.Samples.AsSpan().SequenceEqual(ours.Samples));

        var magick = new ProcessStartInfo("convert", [path, "-depth", "8", "rgb:-"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(magick)!;
        var decoded = new MemoryStream();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.StandardOutput.BaseStream.CopyToAsync(decoded, timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        string error = await errors;
        Assert.True(process.ExitCode == 0 && error.Length == 0, $"ImageMagick: exit {process.ExitCode}: {error}");
        Assert.True(ours.Samples.AsSpan().SequenceEqual(decoded.ToArray()), "ImageMagick decodes other samples");
    }

    [Fact]
    public void A_strip_the_joining_cannot_carry_is_refused()
    {
        var jpeg = JpegCodec.Encode(Pixels(40, 24, 3, 8, seed: 2), 95);
        var strip = new JpegStrip((byte[])jpeg.Clone());
        Assert.Equal(24, strip.Height);
        byte[] parts = [.. strip.Headers, .. strip.ScanHeader, .. strip.EntropyData, 0xFF, 0xD9];
        Assert.Equal(jpeg, parts);

        Assert.Contains("EOI", Assert.Throws<InvalidOperationException>(() => new JpegStrip(jpeg[..^2])).Message);
        var marker = (byte[])jpeg.Clone();
        int data = jpeg.Length - strip.EntropyData.Length - 2;
        int at = Enumerable.Range(data + 1, 100).First(i => marker[i - 1] != 0xFF);
        (marker[at], marker[at + 1]) = (0xFF, 0xD3);
        Assert.Contains("FFD3 in the entropy-coded data", Assert.Throws<InvalidOperationException>(() => new JpegStrip(marker)).Message);
        var progressive = (byte[])jpeg.Clone();
        progressive[progressive.AsSpan().IndexOf([(byte)0xFF, (byte)0xC0]) + 1] = 0xC2;
        Assert.Contains("not baseline", Assert.Throws<InvalidOperationException>(() => new JpegStrip(progressive)).Message);
        Assert.StartsWith("wide.jpg: a JPEG is at most 65535 pixels a side, not 70000x10",
            Assert.Throws<ImageWriteException>(() => new JpegStreamEncoder(Stream.Null, "wide.jpg", 70000, 10, 3, 8, 95)).Message);
    }

    [Fact]
    public void The_whole_image_writer_refuses_a_JPEG_too_wide_for_its_header_and_writes_nothing()
    {
        string path = Path.Combine(_dir, "wide.jpg");
        var error = Assert.Throws<ImageWriteException>(() => ImageCodec.Write(path, new Image(65536, 2, 1)));
        Assert.StartsWith($"{path}: a JPEG is at most 65535 pixels a side, not 65536x2", error.Message);
        Assert.Empty(Directory.GetFiles(_dir));
    }
}
