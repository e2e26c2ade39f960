using System.Diagnostics;
using System.Security.Cryptography;
using SuperRes.Imaging;

namespace SuperRes.Cli.Tests;

/// <summary>
/// "Nothing lost": every plan that would overwrite an input is refused before any work, a contradicting --scale is
/// an error naming both scales, and an image over the memory limit is refused from its header alone.
/// </summary>
public sealed class UpscaleSafetyTests(ITestOutputHelper log, CliFixtures fx) : IClassFixture<CliFixtures>
{
    private CliRun Run(params string[] args) => CliRun.Logged(log, args);

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>Every file in the folder with its content hash: what "unchanged" is checked against.</summary>
    private static Dictionary<string, string> Snapshot(string folder) =>
        Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), Hash);

    [Fact]
    public void An_output_that_is_the_input_is_refused_and_the_input_kept()
    {
        var input = fx.NewFolder("in");
        var photo = CliFixtures.Write(input, "photo.png", CliFixtures.RandomImage(3));
        var before = Snapshot(input);

        var same = Run("upscale", photo, "-o", photo, "--weights", fx.Edsr, "--device", "cpu");
        var dotted = Run("upscale", photo, "-o", Path.Combine(input, ".", "..", Path.GetFileName(input), "photo.png"), "--weights", fx.Edsr, "--device", "cpu");

        same.AssertExit(1);
        Assert.Contains("the same file", same.Err);
        dotted.AssertExit(1);
        Assert.Equal(before, Snapshot(input));
    }

    [Fact]
    public void A_symlink_or_hard_link_to_the_input_is_refused()
    {
        if (OperatingSystem.IsWindows())
            return; // hard links and inode identity are checked on Linux and macOS
        var input = fx.NewFolder("in");
        var photo = CliFixtures.Write(input, "photo.png", CliFixtures.RandomImage(3));
        var links = fx.NewFolder("links");
        var symlink = Path.Combine(links, "symlink.png");
        File.CreateSymbolicLink(symlink, photo);
        var hardLink = Path.Combine(links, "hardlink.png");
        using (var ln = Process.Start("ln", [photo, hardLink]))
            ln.WaitForExit();
        var before = Hash(photo);

        var viaSymlink = Run("upscale", photo, "-o", symlink, "--weights", fx.Edsr, "--device", "cpu");
        var viaHardLink = Run("upscale", photo, "-o", hardLink, "--weights", fx.Edsr, "--device", "cpu");

        viaSymlink.AssertExit(1);
        Assert.Contains(photo, viaSymlink.Err);
        viaHardLink.AssertExit(1);
        Assert.Contains(photo, viaHardLink.Err);
        Assert.Equal(before, Hash(photo));
        Assert.Equal(before, Hash(hardLink));
    }

    [Fact]
    public void A_folder_run_into_its_own_folder_needs_another_name_pattern()
    {
        var input = fx.NewFolder("in");
        CliFixtures.Write(input, "a.png", CliFixtures.RandomImage(3));
        CliFixtures.Write(input, "b.png", CliFixtures.RandomImage(1, seed: 4));
        var before = Snapshot(input);

        var intoItself = Run("upscale", input, "-o", input, "--weights", fx.Edsr, "--device", "cpu");
        var sameNames = Run("upscale", input, "-o", input, "--name", "{name}.png", "--weights", fx.Edsr, "--device", "cpu");

        intoItself.AssertExit(1);
        Assert.Contains("input folder", intoItself.Err);
        Assert.Contains("--name", intoItself.Err);
        sameNames.AssertExit(1);
        Assert.Contains("would overwrite the input", sameNames.Err);
        Assert.Equal(before, Snapshot(input));

        var renamed = Run("upscale", input, "-o", input, "--name", "{name}_x{scale}.{ext}", "--weights", fx.Edsr, "--device", "cpu");

        renamed.AssertExit(0);
        Assert.Equal(["a.png", "a_x2.png", "b.png", "b_x2.png"], Directory.GetFiles(input).Select(f => Path.GetFileName(f)).Order().ToArray());
        Assert.Equal(before["a.png"], Hash(Path.Combine(input, "a.png")));
        Assert.Equal(before["b.png"], Hash(Path.Combine(input, "b.png")));
    }

    [Fact]
    public void A_scale_that_contradicts_the_weights_names_both()
    {
        var input = fx.NewFolder("in");
        var photo = CliFixtures.Write(input, "photo.png", CliFixtures.RandomImage(3));
        var output = fx.NewFolder("out");

        // FSRCNN's weights fit every scale (only the deconvolution's stride changes): only the metadata tells.
        var x3 = Run("upscale", photo, "-o", Path.Combine(output, "x3.png"), "--weights", fx.Fsrcnn, "--scale", "3", "--device", "cpu");
        var x2 = Run("upscale", photo, "-o", Path.Combine(output, "x2.png"), "--weights", fx.Fsrcnn, "-s", "2", "--device", "cpu");

        x3.AssertExit(1);
        Assert.Contains("--scale 3", x3.Err);
        Assert.Contains("x2", x3.Err);
        Assert.Contains(fx.Fsrcnn, x3.Err);
        Assert.False(File.Exists(Path.Combine(output, "x3.png")));
        x2.AssertExit(0);
    }

    [Fact]
    public void An_image_over_the_memory_limit_is_refused_from_its_header()
    {
        var input = fx.NewFolder("in");
        CliFixtures.Write(input, "small.png", CliFixtures.RandomImage(3));
        // A PNG header claiming 12000 × 12000 RGB and no pixel data: only the header may be read before refusing.
        var huge = Path.Combine(input, "huge.png");
        File.WriteAllBytes(huge, HeaderOnlyPng(12000, 12000));
        var output = fx.NewFolder("out");

        var run = Run("upscale", input, "-o", output, "--max-memory", "64M", "--weights", fx.Edsr, "--device", "cpu");

        run.AssertExit(1);
        Assert.Contains("huge.png: upscaling this 12000x12000 image x2 needs about", run.Err);
        Assert.Contains("--max-memory (64 MiB)", run.Err);
        Assert.DoesNotContain("corrupt", run.Err);
        Assert.Equal(["small.png"], Directory.GetFiles(output).Select(f => Path.GetFileName(f)).ToArray());
    }

    private static byte[] HeaderOnlyPng(int width, int height)
    {
        var png = new List<byte>(PngSignature);
        byte[] ihdr = [0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R',
            (byte)(width >> 24), (byte)(width >> 16), (byte)(width >> 8), (byte)width,
            (byte)(height >> 24), (byte)(height >> 16), (byte)(height >> 8), (byte)height, 8, 2, 0, 0, 0, 0, 0, 0, 0];
        png.AddRange(ihdr);
        return [.. png];
    }

    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10];
}
