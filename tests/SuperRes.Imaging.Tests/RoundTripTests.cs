namespace SuperRes.Imaging.Tests;

public class RoundTripTests
{
    private static Image Random(int w, int h, int channels, int bitDepth, int seed)
    {
        var rng = new Random(seed);
        var img = new Image(w, h, channels, bitDepth);
        for (int i = 0; i < img.Data.Length; i++) img.Data[i] = rng.Next((int)img.MaxValue + 1);
        return img;
    }

    [Theory]
    [InlineData(1, 8)] [InlineData(2, 8)] [InlineData(3, 8)] [InlineData(4, 8)]
    [InlineData(1, 16)] [InlineData(2, 16)] [InlineData(3, 16)] [InlineData(4, 16)]
    public void PngIsLossless(int channels, int bitDepth)
    {
        var img = Random(37, 23, channels, bitDepth, channels * 100 + bitDepth);
        var back = ImageCodec.Decode(ImageCodec.Encode(img, ImageFormat.Png));
        Assert.Equal((img.Width, img.Height, img.Channels, img.BitDepth), (back.Width, back.Height, back.Channels, back.BitDepth));
        Assert.Equal(img.Data, back.Data);
    }

    [Fact]
    public void PngEncoderUsesFiltersAndCompresses()
    {
        // A smooth gradient must compress far below its raw size (filters + zlib at work).
        var img = new Image(256, 64, 3);
        for (int c = 0; c < 3; c++) for (int y = 0; y < 64; y++) for (int x = 0; x < 256; x++) img[c, y, x] = (x + y * c) % 256;
        var bytes = ImageCodec.Encode(img, ImageFormat.Png);
        Assert.True(bytes.Length < 256 * 64 * 3 / 10, $"{bytes.Length} bytes");
        Assert.Equal(img.Data, ImageCodec.Decode(bytes).Data);
    }

    [Fact]
    public void PngRoundsAndClipsOutOfRangeSamples()
    {
        var img = new Image(4, 1, 1);
        img.Data[0] = -3.2f; img.Data[1] = 2.5f; img.Data[2] = 254.49f; img.Data[3] = 300f;
        Assert.Equal([0f, 3f, 254f, 255f], ImageCodec.Decode(ImageCodec.Encode(img, ImageFormat.Png)).Data);
    }

    [Fact]
    public void SixteenBitInSixteenBitOut()
    {
        var src = ImageCodec.Read(TestPaths.Fixture("images", "png_rgba16.png"));
        string path = Path.Combine(Path.GetTempPath(), $"superres-img-{Guid.NewGuid():N}.png");
        try
        {
            ImageCodec.Write(path, src);
            var back = ImageCodec.Read(path);
            Assert.Equal(16, back.BitDepth);
            Assert.Equal(src.Data, back.Data);
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData(1, 1)] [InlineData(2, 4)] [InlineData(3, 3)] [InlineData(4, 4)]
    public void BmpIsLossless(int channels, int channelsBack)
    {
        var img = Random(13, 9, channels, 8, channels);
        var back = ImageCodec.Decode(ImageCodec.Encode(img, ImageFormat.Bmp));
        Assert.Equal(channelsBack, back.Channels);
        var expected = channels == 2 ? img.ToRgb() : img;
        Assert.Equal(expected.Data, back.Data);
    }

    [Theory]
    [InlineData(3, 95, 40.0)]
    [InlineData(3, 75, 30.0)]
    [InlineData(1, 90, 38.0)]
    public void JpegRoundTripIsClose(int channels, int quality, double minPsnr)
    {
        // Smooth content so that JPEG's error is small and PSNR meaningful.
        var img = new Image(64, 48, channels);
        for (int c = 0; c < channels; c++) for (int y = 0; y < 48; y++) for (int x = 0; x < 64; x++)
            img[c, y, x] = (float)(128 + 100 * Math.Sin(x * 0.15 + c) * Math.Cos(y * 0.1));
        img = img.Quantized();
        var back = ImageCodec.Decode(ImageCodec.Encode(img, ImageFormat.Jpeg, quality));
        Assert.Equal(channels, back.Channels);
        double psnr = Metrics.Psnr(back, img, 0);
        Assert.True(psnr > minPsnr, $"PSNR {psnr:F2} dB at quality {quality}");
    }

    [Fact]
    public void WriteReplacesAtomicallyAndLeavesNoTemporaryFiles()
    {
        string dir = Directory.CreateTempSubdirectory("superres-img-").FullName;
        try
        {
            string path = Path.Combine(dir, "out.png");
            File.WriteAllText(path, "old content");
            var img = Random(5, 4, 3, 8, 7);
            ImageCodec.Write(path, img);
            Assert.Equal(img.Data, ImageCodec.Read(path).Data);
            ImageCodec.Write(Path.Combine(dir, "out.jpg"), img);
            ImageCodec.Write(Path.Combine(dir, "out.bmp"), img);
            ImageCodec.Write(Path.Combine(dir, "no_extension"), img, ImageFormat.Png);
            Assert.Equal(ImageFormat.Jpeg, ImageCodec.Sniff(File.ReadAllBytes(Path.Combine(dir, "out.jpg"))));
            Assert.Equal(ImageFormat.Bmp, ImageCodec.Sniff(File.ReadAllBytes(Path.Combine(dir, "out.bmp"))));
            Assert.Equal(["no_extension", "out.bmp", "out.jpg", "out.png"], Directory.GetFiles(dir).Select(Path.GetFileName).Order());
            Assert.Throws<ArgumentException>(() => ImageCodec.Write(Path.Combine(dir, "out.gif"), img));
            Assert.Equal(4, Directory.GetFiles(dir).Length);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("png", ImageFormat.Png)] [InlineData(".JPG", ImageFormat.Jpeg)] [InlineData("jpeg", ImageFormat.Jpeg)]
    [InlineData("out/x.bmp", ImageFormat.Bmp)] [InlineData("a.b.PNG", ImageFormat.Png)]
    public void FormatFromName(string name, ImageFormat format) => Assert.Equal(format, ImageCodec.FormatFromName(name));
}
