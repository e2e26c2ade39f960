using System.Buffers.Binary;

namespace SuperRes.Imaging.Tests;

/// <summary>
/// Decodes every fixture in tests/fixtures/images and compares with expected/NAME.rgba16, the same
/// file decoded by ImageMagick (libpng / libjpeg-turbo) when the fixtures were made.
/// </summary>
public class FixtureDecodeTests
{
    [Theory]
    // name, channels, bit depth
    [InlineData("png_gray1.png", 1, 8)]
    [InlineData("png_gray2.png", 1, 8)]
    [InlineData("png_gray4.png", 1, 8)]
    [InlineData("png_gray8.png", 1, 8)]
    [InlineData("png_gray16.png", 1, 16)]
    [InlineData("png_graya8.png", 2, 8)]
    [InlineData("png_graya16.png", 2, 16)]
    [InlineData("png_rgb8.png", 3, 8)]
    [InlineData("png_rgb16.png", 3, 16)]
    [InlineData("png_rgba8.png", 4, 8)]
    [InlineData("png_rgba16.png", 4, 16)]
    [InlineData("png_pal1.png", 3, 8)]
    [InlineData("png_pal2.png", 3, 8)]
    [InlineData("png_pal4.png", 3, 8)]
    [InlineData("png_pal8.png", 3, 8)]
    [InlineData("png_pal8_trns.png", 4, 8)]
    [InlineData("png_gray8_trns.png", 2, 8)]
    [InlineData("png_rgb8_trns.png", 4, 8)]
    [InlineData("png_rgba8_adam7.png", 4, 8)]
    [InlineData("png_gray1_adam7.png", 1, 8)]
    [InlineData("png_rgb16_adam7.png", 3, 16)]
    [InlineData("png_rgb8_filters.png", 3, 8)]
    [InlineData("png_rgba16_filters.png", 4, 16)]
    [InlineData("png_named_as.jpg", 4, 8)]
    [InlineData("bmp_rgb24.bmp", 3, 8)]
    [InlineData("bmp_rgb24_topdown.bmp", 3, 8)]
    [InlineData("bmp_rgba32.bmp", 4, 8)]
    [InlineData("bmp_rgb565.bmp", 3, 8)]
    [InlineData("bmp_pal8.bmp", 3, 8)]
    [InlineData("bmp_pal8_rle.bmp", 3, 8)]
    [InlineData("bmp_pal4.bmp", 3, 8)]
    [InlineData("bmp_pal1.bmp", 3, 8)]
    [InlineData("bmp_gray8.bmp", 1, 8)]
    [InlineData("jpeg_baseline.jpg", 3, 8)]
    [InlineData("jpeg_progressive.jpg", 3, 8)]
    [InlineData("jpeg_420.jpg", 3, 8)]
    [InlineData("jpeg_gray.jpg", 1, 8)]
    [InlineData("jpeg_exif6.jpg", 3, 8)]
    public void DecodesLikeImageMagick(string name, int channels, int bitDepth)
    {
        var img = ImageCodec.Read(TestPaths.Fixture("images", name));
        Assert.Equal(channels, img.Channels);
        Assert.Equal(bitDepth, img.BitDepth);
        // EXIF orientation 6 turns the stored 13×7 into an upright 7×13.
        var (w, h) = name.Contains("exif6") ? (7, 13) : (13, 7);
        Assert.Equal((w, h), (img.Width, img.Height));

        var truth = File.ReadAllBytes(TestPaths.Fixture("images", "expected", Path.ChangeExtension(name, ".rgba16")));
        Assert.Equal(w * h * 8, truth.Length);
        var rgba = ToRgba(img);
        int mismatches = 0;
        string first = "";
        for (int i = 0; i < w * h; i++)
            for (int c = 0; c < 4; c++)
            {
                int t = BinaryPrimitives.ReadUInt16BigEndian(truth.AsSpan(8 * i + 2 * c));
                // 8-bit results are compared at 8 bits (ImageMagick wrote v·257).
                int expected = bitDepth == 16 ? t : (t + 128) / 257;
                int actual = (int)rgba[c][i];
                if (expected != actual && mismatches++ == 0) first = $"pixel ({i % w},{i / w}) channel {c}: expected {expected}, got {actual}";
            }
        Assert.True(mismatches == 0, $"{name}: {mismatches} samples differ; first {first}");
    }

    /// <summary>The 16-bit lossless variants must hold exactly the pattern the fixture script wrote.</summary>
    [Theory]
    [InlineData("png_rgba16.png")]
    [InlineData("png_rgba16_filters.png")]
    [InlineData("png_rgb16.png")]
    [InlineData("png_rgb16_adam7.png")]
    public void SixteenBitFixturesHoldTheSourcePattern(string name)
    {
        var img = ImageCodec.Read(TestPaths.Fixture("images", name));
        for (int y = 0; y < 7; y++)
            for (int x = 0; x < 13; x++)
            {
                var p = Pattern(x, y);
                for (int c = 0; c < img.Channels; c++) Assert.Equal(p[c], img[c, y, x]);
            }
    }

    // Same formulas as make_image_fixtures.sh.
    private static int[] Pattern(int x, int y)
    {
        int r = (x * 5041 + y * 9377) % 65536;
        int g = ((65535 - x * 4111 - y * 1733) % 65536 + 65536) % 65536;
        int b = (x * y * 977 + 12345) % 65536;
        int k = (x + 2 * y) % 5;
        int a = k == 0 ? 65535 : k == 1 ? 0 : (x * 7001 + y * 3001) % 65536;
        return [r, g, b, a];
    }

    private static float[][] ToRgba(Image img)
    {
        var rgb = img.ToRgb();
        var planes = new float[4][];
        for (int c = 0; c < 3; c++) planes[c] = rgb.Plane(c).ToArray();
        planes[3] = rgb.Channels == 4 ? rgb.Plane(3).ToArray() : Enumerable.Repeat(img.MaxValue, img.PlaneSize).ToArray();
        return planes;
    }

    [Fact]
    public void ExifOrientationIsParsed()
    {
        Assert.Equal(6, Codecs.JpegCodec.ExifOrientation(File.ReadAllBytes(TestPaths.Fixture("images", "jpeg_exif6.jpg"))));
        Assert.Equal(1, Codecs.JpegCodec.ExifOrientation(File.ReadAllBytes(TestPaths.Fixture("images", "jpeg_baseline.jpg"))));
    }

    [Fact]
    public void OrientationTransformsMatchTheirDefinitions()
    {
        // 3×2 image with distinct values; check each EXIF orientation against its textbook mapping.
        var img = new Image(3, 2, 1);
        for (int i = 0; i < 6; i++) img.Data[i] = i; // row 0: 0 1 2; row 1: 3 4 5
        float[][] expected =
        [
            [0, 1, 2, 3, 4, 5],
            [2, 1, 0, 5, 4, 3],       // 2 mirror horizontal
            [5, 4, 3, 2, 1, 0],       // 3 rotate 180
            [3, 4, 5, 0, 1, 2],       // 4 mirror vertical
            [0, 3, 1, 4, 2, 5],       // 5 transpose (2×3)
            [3, 0, 4, 1, 5, 2],       // 6 rotate 90 CW
            [5, 2, 4, 1, 3, 0],       // 7 transverse
            [2, 5, 1, 4, 0, 3],       // 8 rotate 90 CCW
        ];
        for (int o = 1; o <= 8; o++)
        {
            var r = Codecs.Orientation.Apply(img, o);
            Assert.Equal(o >= 5 ? (2, 3) : (3, 2), (r.Width, r.Height));
            Assert.Equal(expected[o - 1], r.Data);
        }
    }
}
