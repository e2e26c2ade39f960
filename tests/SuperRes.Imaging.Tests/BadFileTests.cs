namespace SuperRes.Imaging.Tests;

public class BadFileTests
{
    /// <summary>Each damaged fixture of tests/fixtures/images and the problem its error must name.</summary>
    public static TheoryData<string, string> BadFiles { get; } = new()
    {
        { "bad_png_crc.png", "CRC mismatch in chunk 'IDAT'" },
        { "bad_png_truncated.png", "truncated" },
        { "bad_png_filter.png", "invalid filter type 7 in row 3" },
        { "bad_png_huge.png", "more than ImageLimits.MaxPixels" },
        { "bad_jpeg_truncated.jpg", "JPEG corrupt or truncated" },
        { "bad_jpeg_corrupt.jpg", "JPEG corrupt" },
        { "bad_jpeg_huge.jpg", "more than ImageLimits.MaxPixels" },
        { "bad_bmp_truncated.bmp", "BMP truncated" },
        { "bad_bmp_huge.bmp", "more than ImageLimits.MaxPixels" },
        { "bad_not_an_image.png", "not a PNG, JPEG or BMP file" },
        { "bad_empty.png", "empty file" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void BadFilesFailWithTheFileNameAndTheProblem(string name, string problem)
    {
        string path = TestPaths.Fixture("images", name);
        var ex = Assert.Throws<ImageFormatException>(() => ImageCodec.Read(path));
        Assert.StartsWith(path + ": ", ex.Message);
        Assert.Contains(problem, ex.Message);
        Assert.Equal(path, ex.FileName);
    }

    /// <summary>Every prefix and many single-byte corruptions of each good fixture: an ImageFormatException or a clean decode, never anything else.</summary>
    [Fact]
    public void DamagedFilesNeverCrash()
    {
        var rng = new Random(1234);
        foreach (var file in Directory.GetFiles(TestPaths.Fixture("images")).Where(f => !Path.GetFileName(f).StartsWith("bad_") && !f.EndsWith(".sh")))
        {
            byte[] good = File.ReadAllBytes(file);
            var variants = new List<byte[]>();
            for (int n = 0; n < good.Length; n += Math.Max(1, good.Length / 40)) variants.Add(good[..n]);
            for (int k = 0; k < 40; k++)
            {
                var b = (byte[])good.Clone();
                b[rng.Next(b.Length)] ^= (byte)rng.Next(1, 256);
                variants.Add(b);
            }
            foreach (var v in variants)
            {
                try { ImageCodec.Decode(v, file); }
                catch (ImageFormatException ex) { Assert.StartsWith(file, ex.Message); }
            }
        }
    }

    [Fact]
    public void MissingFileIsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => ImageCodec.Read(TestPaths.Fixture("images", "no_such_file.png")));
    }
}

/// <summary>Changes the process-wide limit, so it must not run beside other decoding tests.</summary>
[CollectionDefinition(nameof(PixelLimitCollection), DisableParallelization = true)]
public class PixelLimitCollection { }

[Collection(nameof(PixelLimitCollection))]
public class PixelLimitTests
{
    [Theory]
    [InlineData("png_rgb8.png")]
    [InlineData("bmp_rgb24.bmp")]
    [InlineData("jpeg_baseline.jpg")]
    public void MaxPixelsIsCheckedBeforeDecoding(string name)
    {
        long saved = ImageLimits.MaxPixels;
        try
        {
            ImageLimits.MaxPixels = 13 * 7 - 1;
            var ex = Assert.Throws<ImageFormatException>(() => ImageCodec.Read(TestPaths.Fixture("images", name)));
            Assert.Contains("13x7 = 91 pixels, more than ImageLimits.MaxPixels (90)", ex.Message);
            ImageLimits.MaxPixels = 13 * 7;
            Assert.Equal(13, ImageCodec.Read(TestPaths.Fixture("images", name)).Width);
        }
        finally { ImageLimits.MaxPixels = saved; }
    }
}
