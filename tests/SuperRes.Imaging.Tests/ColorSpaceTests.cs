namespace SuperRes.Imaging.Tests;

public class ColorSpaceTests
{
    // Values from MATLAB's documented matrix: Y = 16 + (65.481 R + 128.553 G + 24.966 B)/255, etc.
    [Theory]
    [InlineData(255, 255, 255, 235, 128, 128)]
    [InlineData(0, 0, 0, 16, 128, 128)]
    [InlineData(255, 0, 0, 81.481, 90.203, 240)]
    [InlineData(0, 255, 0, 144.553, 53.797, 34.214)]
    [InlineData(0, 0, 255, 40.966, 240, 109.786)]
    public void RgbToYCbCrMatchesMatlab(double r, double g, double b, double y, double cb, double cr)
    {
        var v = ColorSpace.RgbToYCbCr(r, g, b);
        Assert.Equal(y, v.Y, 9);
        Assert.Equal(cb, v.Cb, 9);
        Assert.Equal(cr, v.Cr, 9);
        var back = ColorSpace.YCbCrToRgb(y, cb, cr);
        Assert.Equal(r, back.R, 9);
        Assert.Equal(g, back.G, 9);
        Assert.Equal(b, back.B, 9);
    }

    [Fact]
    public void SixteenBitUsesMatlabsUint16Offsets()
    {
        // MATLAB: rgb2ycbcr(uint16([65535 65535 65535])) = [60395 32896 32896] (offsets × 257).
        var v = ColorSpace.RgbToYCbCr(65535, 65535, 65535, 65535);
        Assert.Equal(235 * 257, v.Y, 6);
        Assert.Equal(128 * 257, v.Cb, 6);
        Assert.Equal(128 * 257, v.Cr, 6);
    }

    [Theory]
    [InlineData(8, 1)] [InlineData(8, 21)] [InlineData(16, 21)]
    public void RowConversionsGiveTheImageConversionsSamples(int bitDepth, int width)
    {
        // Widths below and across a vector (the scalar remainder included); the inverse also in place.
        var rng = new Random(width + bitDepth);
        var rgb = new Image(width, 3, 3, bitDepth);
        for (int i = 0; i < rgb.Data.Length; i++) rgb.Data[i] = (float)(rng.NextDouble() * rgb.MaxValue);
        var ycc = ColorSpace.RgbToYCbCr(rgb);
        var back = ColorSpace.YCbCrToRgb(ycc);
        for (int y = 0; y < 3; y++)
        {
            ReadOnlySpan<float> Row(Image image, int c) => image.Plane(c).Slice(y * width, width);
            float[] luma = new float[width], cb = new float[width], cr = new float[width];
            ColorSpace.LumaRow(Row(rgb, 0), Row(rgb, 1), Row(rgb, 2), luma, rgb.MaxValue);
            ColorSpace.ChromaRow(Row(rgb, 0), Row(rgb, 1), Row(rgb, 2), cb, cr, rgb.MaxValue);
            Assert.Equal(Row(ycc, 0).ToArray(), luma);
            Assert.Equal(Row(ycc, 1).ToArray(), cb);
            Assert.Equal(Row(ycc, 2).ToArray(), cr);
            float[] r = Row(ycc, 0).ToArray(), g = Row(ycc, 1).ToArray(), b = Row(ycc, 2).ToArray();
            ColorSpace.RgbRow(r, g, b, r, g, b, rgb.MaxValue);
            Assert.Equal(Row(back, 0).ToArray(), r);
            Assert.Equal(Row(back, 1).ToArray(), g);
            Assert.Equal(Row(back, 2).ToArray(), b);
        }
    }

    [Fact]
    public void ImageConversionRoundTrips()
    {
        var rng = new Random(3);
        var img = new Image(17, 5, 4);
        for (int i = 0; i < img.Data.Length; i++) img.Data[i] = rng.Next(256);
        var ycc = ColorSpace.RgbToYCbCr(img);
        Assert.Equal(3, ycc.Channels); // alpha dropped
        var back = ColorSpace.YCbCrToRgb(ycc);
        for (int i = 0; i < back.Data.Length; i++) Assert.Equal(img.Data[i], back.Data[i], 3);
        var luma = ColorSpace.Luma(img);
        Assert.Equal(ycc.Plane(0).ToArray(), luma.Data);
        var gray = new Image(3, 1, 1);
        gray.Data[1] = 77;
        Assert.Equal(gray.Data, ColorSpace.Luma(gray).Data); // gray is its own luma
    }

    [Theory]
    [InlineData(8, 37, 11)] [InlineData(16, 37, 11)] [InlineData(8, 301, 457)] // 457 × 301: three parallel pieces and a tail
    public void Whole_image_conversion_is_bit_identical_to_the_per_pixel_formulas(int bitDepth, int width, int height)
    {
        var rng = new Random(bitDepth + width);
        var img = new Image(width, height, 3, bitDepth);
        for (int i = 0; i < img.Data.Length; i++) img.Data[i] = (float)(rng.NextDouble() * (img.MaxValue + 40) - 20);
        int n = img.PlaneSize;
        var ycc = ColorSpace.RgbToYCbCr(img);
        var rgb = ColorSpace.YCbCrToRgb(img);
        var luma = ColorSpace.Luma(img);
        var chroma = ColorSpace.Chroma(img);
        var inPlace = img.Clone();
        ColorSpace.YCbCrToRgbInPlace(inPlace);
        Assert.Equal(rgb.Data, inPlace.Data);
        for (int i = 0; i < n; i++)
        {
            var f = ColorSpace.RgbToYCbCr(img.Data[i], img.Data[n + i], img.Data[2 * n + i], img.MaxValue);
            var b = ColorSpace.YCbCrToRgb(img.Data[i], img.Data[n + i], img.Data[2 * n + i], img.MaxValue);
            Assert.Equal(((float)f.Y, (float)f.Cb, (float)f.Cr), (ycc.Data[i], ycc.Data[n + i], ycc.Data[2 * n + i]));
            Assert.Equal(((float)b.R, (float)b.G, (float)b.B), (rgb.Data[i], rgb.Data[n + i], rgb.Data[2 * n + i]));
            Assert.Equal((float)f.Y, luma.Data[i]);
            Assert.Equal(((float)f.Cb, (float)f.Cr), (chroma.Data[i], chroma.Data[n + i]));
        }
    }
}
