using SuperRes.Cli.Commands;
using SuperRes.Imaging;

namespace SuperRes.Cli.Tests;

/// <summary>
/// The memory an image's upscale is held to counts the streaming pipeline's representation: integer samples at the
/// output size instead of float planes, so EDSR-baseline x4 of a 1920×1080 photo fits in 1 GiB with room left for
/// the forwards, while the in-memory form (alpha, self-ensemble) would not.
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

        // Decoded image and network copy (6 float planes at the input size), 3 bytes a pixel of samples, 3× that for the encoder.
        Assert.Equal(inputPixels * 6 * 4 + outputPixels * 3 + 3 * outputPixels * 3, streamed);
        Assert.True(streamed < 512 * MiB, $"{streamed / MiB} MiB");
        Assert.True(inMemory > 1024 * MiB, $"{inMemory / MiB} MiB");
    }

    [Fact]
    public void Sixteen_bits_and_a_luma_network_count_their_extra_bytes()
    {
        var rgb8 = new ImageHeader(ImageFormat.Png, 100, 50, 3, 8);
        var rgb16 = rgb8 with { BitDepth = 16 };
        var rgbWork = new UpscaleWork(2, LumaNetwork: false, PreUpsampled: false, Streamed: true);
        long outputPixels = 100L * 50 * 4;
        // Samples and the encoder's three copies of them double at 16 bits.
        Assert.Equal(4 * outputPixels * 3, UpscaleMemory.WorkingBytes(rgb16, rgbWork, ImageFormat.Png) - UpscaleMemory.WorkingBytes(rgb8, rgbWork, ImageFormat.Png));
        // A Y network keeps Cb and Cr enlarged as floats (2 planes) and one more input plane (YCbCr and Y against RGB).
        long luma = UpscaleMemory.WorkingBytes(rgb8, rgbWork with { LumaNetwork = true }, ImageFormat.Png);
        Assert.Equal(4 * (2 * outputPixels + 100L * 50), luma - UpscaleMemory.WorkingBytes(rgb8, rgbWork, ImageFormat.Png));
    }

    [Fact]
    public void An_image_over_the_limit_is_refused_with_both_sizes_named()
    {
        var header = new ImageHeader(ImageFormat.Png, 4000, 3000, 3, 8);
        var work = new UpscaleWork(4, LumaNetwork: false, PreUpsampled: false, Streamed: true);
        var e = Assert.Throws<SuperResException>(() => UpscaleMemory.Check("big.png", header, work, ImageFormat.Png, (1024 * MiB, "--max-memory")));
        Assert.StartsWith("big.png: upscaling this 4000x3000 image x4 needs about", e.Message);
        Assert.Contains("more than --max-memory (1 GiB)", e.Message);
        Assert.Equal(UpscaleMemory.WorkingBytes(header, work, ImageFormat.Png), UpscaleMemory.Check("ok.png", header, work, ImageFormat.Png, (long.MaxValue, "test")));
    }
}
