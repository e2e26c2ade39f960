using SuperRes.Cli.Commands;
using SuperRes.Imaging;

namespace SuperRes.Cli.Tests;

/// <summary>
/// The memory an image's upscale is held to counts the streaming pipeline's representation: the decoded samples at
/// their own bit depth, one band of output rows and the encoder's bands or strips in flight, never an output-size image,
/// so EDSR-baseline x4 of a 1920×1080 photo leaves nearly all of 1 GiB to the forwards, while the in-memory form
/// (alpha, self-ensemble) would not fit.
/// </summary>
public sealed class UpscaleMemoryTests
{
    private const long MiB = 1L << 20;

    [Fact]
    public void Edsr_x4_of_a_1080p_photo_is_counted_as_samples_and_fits_in_1_GiB()
    {
        var header = new ImageHeader(ImageFormat.Png, 1920, 1080, 3, 8);
        long inputPixels = 1920L * 1080, outputPixels = inputPixels * 16;
        long streamed = UpscaleMemory.WorkingBytes(header, new UpscaleWork(4, LumaNetwork: false, PreUpsampled: false, Streamed: true), ImageFormat.Png);
        long inMemory = UpscaleMemory.WorkingBytes(header, new UpscaleWork(4, LumaNetwork: false, PreUpsampled: false, Streamed: false), ImageFormat.Png);

        // The samples (3 bytes a pixel; while decoding, the file and the rows beside them), 1024 rows of the output, strips, the PNG encoder.
        long png = ImageCodec.WriterBytes(ImageFormat.Png, 7680, 4320, 3, 8);
        Assert.Equal(3 * inputPixels * 3 + 7680L * 3 * UpscaleMemory.BandRows + UpscaleMemory.StripBytes + png, streamed);
        Assert.True(streamed < 128 * MiB, $"{streamed / MiB} MiB");
        // JPEG and BMP are encoded as the rows arrive too: their encoders' strips and chunks instead of the PNG's bands.
        foreach (var format in new[] { ImageFormat.Jpeg, ImageFormat.Bmp })
        {
            long encoder = ImageCodec.WriterBytes(format, 7680, 4320, 3, 8);
            Assert.True(encoder < 32 * MiB, $"{format}: {encoder / MiB} MiB");
            Assert.Equal(streamed - png + encoder, UpscaleMemory.WorkingBytes(header, new UpscaleWork(4, false, false, Streamed: true), format));
        }
        Assert.True(inMemory > 1024 * MiB, $"{inMemory / MiB} MiB");
    }

    [Fact]
    public void Sixteen_bits_and_a_luma_network_count_their_extra_bytes()
    {
        var rgb8 = new ImageHeader(ImageFormat.Png, 100, 50, 3, 8);
        var rgb16 = rgb8 with { BitDepth = 16 };
        var rgbWork = new UpscaleWork(2, LumaNetwork: false, PreUpsampled: false, Streamed: true);
        long outputPixels = 100L * 50 * 4;
        // The decoded samples (three times, while decoding) and the band of output rows (all 100 here) double at 16 bits.
        Assert.Equal(3 * 100L * 50 * 3 + outputPixels * 3, UpscaleMemory.WorkingBytes(rgb16, rgbWork, ImageFormat.Png) - UpscaleMemory.WorkingBytes(rgb8, rgbWork, ImageFormat.Png));
        // A Y network makes its Cb and Cr per strip (within the strips' bytes): no output-size planes.
        Assert.Equal(UpscaleMemory.WorkingBytes(rgb8, rgbWork, ImageFormat.Png), UpscaleMemory.WorkingBytes(rgb8, rgbWork with { LumaNetwork = true }, ImageFormat.Png));
        // A JPEG's strips convert 16-bit rows through float planes: counted.
        Assert.True(ImageCodec.WriterBytes(ImageFormat.Jpeg, 200, 100, 3, 16) > ImageCodec.WriterBytes(ImageFormat.Jpeg, 200, 100, 3, 8));
    }

    [Fact]
    public void An_image_over_the_limit_is_refused_with_both_sizes_named()
    {
        // 16000×12000 RGB: 576 MB of samples, held three times while decoding.
        var header = new ImageHeader(ImageFormat.Png, 16000, 12000, 3, 8);
        var work = new UpscaleWork(4, LumaNetwork: false, PreUpsampled: false, Streamed: true);
        var e = Assert.Throws<SuperResException>(() => UpscaleMemory.Check("big.png", header, work, ImageFormat.Png, (1024 * MiB, "--max-memory")));
        Assert.StartsWith("big.png: upscaling this 16000x12000 image x4 needs about", e.Message);
        Assert.Contains("more than --max-memory (1 GiB)", e.Message);
        Assert.Equal(UpscaleMemory.WorkingBytes(header, work, ImageFormat.Png), UpscaleMemory.Check("ok.png", header, work, ImageFormat.Png, (long.MaxValue, "test")));
    }
}
