using SuperRes.Imaging;

namespace SuperRes.Cli.Tests;

/// <summary><c>superres compare</c>: the side-by-side picture's layout and contents, and its argument errors.</summary>
public sealed class CompareCommandTests
{
    private static readonly string Fsrcnn = Path.Combine(TestPaths.RepoRoot, "weights", "fsrcnn_x2.safetensors");

    [Fact]
    public void WritesBicubicNetworksAndHrSideBySide()
    {
        using var dir = new TempDir("compare");
        var data = TestImages.WriteSmooth(dir.Sub("data"), count: 1, size: 40);
        var hrPath = Path.Combine(data, "img00.png");
        var output = Path.Combine(dir.Path, "cmp.png");
        var result = CliRun.Of("compare", "--hr", hrPath, "--scale", "2", "--weights", Fsrcnn, Fsrcnn, "--crop", "4,6,10,8", "--zoom", "3", "-o", output, "--device", "cpu");
        result.AssertExit(0);
        Assert.Contains("bicubic: PSNR", result.Out);
        Assert.Contains("fsrcnn_x2.safetensors: PSNR", result.Out);

        // four panels of 30x24 (10x8 zoomed 3x) with 6-pixel white gutters; the last one is the HR crop
        var picture = ImageCodec.Read(output);
        Assert.Equal((4 * 30 + 3 * 6, 24), (picture.Width, picture.Height));
        var hr = ImageCodec.Read(hrPath).ToRgb();
        int left = 3 * 36;
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 24; y++)
                for (int x = 0; x < 30; x++)
                    Assert.Equal(hr[c, 6 + y / 3, 4 + x / 3], picture[c, y, left + x]);
        Assert.Equal(255f, picture[1, 10, 32]);
    }

    [Theory]
    [InlineData("1,2,3", "--crop '1,2,3'")]
    [InlineData("30,0,20,8", "reaches beyond the 40x40 HR image")]
    public void BadCropIsAOneLineError(string crop, string expected)
    {
        using var dir = new TempDir("compare-bad");
        var data = TestImages.WriteSmooth(dir.Sub("data"), count: 1, size: 40);
        var result = CliRun.Of("compare", "--hr", Path.Combine(data, "img00.png"), "--scale", "2", "--weights", Fsrcnn, "--crop", crop, "-o", Path.Combine(dir.Path, "x.png"), "--device", "cpu");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(expected, result.Err);
    }
}
