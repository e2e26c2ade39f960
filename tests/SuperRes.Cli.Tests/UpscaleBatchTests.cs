using SuperRes.Imaging;

namespace SuperRes.Cli.Tests;

/// <summary>Folders, lists and globs: name patterns, --skip-existing, failures reported at the end, realesrgan-style flags.</summary>
public sealed class UpscaleBatchTests(ITestOutputHelper log, CliFixtures fx) : IClassFixture<CliFixtures>
{
    private CliRun Run(params string[] args) => CliRun.Logged(log, args);

    private static string[] Names(string folder) => Directory.GetFiles(folder).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Globs_lists_and_folders_with_a_name_pattern()
    {
        var input = fx.NewFolder("in");
        var sub = Directory.CreateDirectory(Path.Combine(input, "sub")).FullName;
        CliFixtures.Write(input, "a.png", CliFixtures.RandomImage(3));
        CliFixtures.Write(input, "b.bmp", CliFixtures.RandomImage(3, seed: 5));
        CliFixtures.Write(sub, "c.png", CliFixtures.RandomImage(1, seed: 6));
        File.WriteAllText(Path.Combine(input, "notes.png.txt"), "not an image");
        var output = fx.NewFolder("out");

        var glob = Run("upscale", Path.Combine(input, "*.png"), "-o", output, "--name", "{name}_x{scale}_{model}.{ext}", "--weights", fx.Edsr, "--device", "cpu");
        glob.AssertExit(0);
        Assert.Equal(["a_x2_edsr-baseline.png"], Names(output));

        var deep = fx.NewFolder("deep");
        var everything = Run("upscale", Path.Combine(input, "**", "*.png"), Path.Combine(input, "b.bmp"), Path.Combine(input, "a.png"),
            "-o", deep, "-f", "bmp", "--weights", fx.Edsr, "--device", "cpu");
        everything.AssertExit(0);
        Assert.Equal(["a.bmp", "b.bmp", "c.bmp"], Names(deep)); // a.png listed twice is upscaled once
        Assert.Equal((34, 26, 1), (ImageCodec.Read(Path.Combine(deep, "c.bmp")).Width, ImageCodec.Read(Path.Combine(deep, "c.bmp")).Height, ImageCodec.Read(Path.Combine(deep, "c.bmp")).Channels));

        var noMatch = Run("upscale", Path.Combine(input, "*.jpg"), "-o", output, "--weights", fx.Edsr, "--device", "cpu");
        noMatch.AssertExit(1);
        Assert.Contains("*.jpg", noMatch.Err);
    }

    [Fact]
    public void Skip_existing_leaves_finished_outputs_alone()
    {
        var input = fx.NewFolder("in");
        CliFixtures.Write(input, "a.png", CliFixtures.RandomImage(3));
        CliFixtures.Write(input, "b.png", CliFixtures.RandomImage(3, seed: 9));
        var output = fx.NewFolder("out");
        File.WriteAllText(Path.Combine(output, "a.png"), "finished earlier");

        var run = Run("upscale", input, "-o", output, "--skip-existing", "--weights", fx.Edsr, "--device", "cpu");

        run.AssertExit(0);
        Assert.Equal("finished earlier", File.ReadAllText(Path.Combine(output, "a.png")));
        Assert.Equal(34, ImageCodec.Read(Path.Combine(output, "b.png")).Width);
        Assert.Contains("1 written, 1 skipped", run.Out);
    }

    [Fact]
    public void Every_good_file_is_written_and_every_bad_one_listed_at_the_end()
    {
        var input = fx.NewFolder("in");
        CliFixtures.Write(input, "a.png", CliFixtures.RandomImage(3));
        File.WriteAllBytes(Path.Combine(input, "b_truncated.png"), File.ReadAllBytes(Path.Combine(input, "a.png"))[..60]);
        CliFixtures.Write(input, "c.png", CliFixtures.RandomImage(4, seed: 7));
        File.WriteAllText(Path.Combine(input, "d_text.jpg"), "not a jpeg");
        CliFixtures.Write(input, "e.png", CliFixtures.RandomImage(1, 16, seed: 8));
        var before = Directory.GetFiles(input).ToDictionary(f => f, File.ReadAllBytes);
        var output = fx.NewFolder("out");

        var run = Run("upscale", input, "-o", output, "--weights", fx.Edsr, "--device", "cpu");

        run.AssertExit(1);
        Assert.Equal(["a.png", "c.png", "e.png"], Names(output));
        var summary = run.Err[run.Err.IndexOf("2 of 5 image(s) failed:", StringComparison.Ordinal)..];
        Assert.Contains("b_truncated.png", summary);
        Assert.Contains("d_text.jpg", summary);
        Assert.Contains("3 written, 0 skipped (output exists), 2 failed, of 5 image(s)", run.Out);
        foreach (var (file, bytes) in before)
            Assert.Equal(bytes, File.ReadAllBytes(file));
    }

    [Fact]
    public void Realesrgan_style_flags_and_encoder_settings()
    {
        var input = fx.NewFolder("in");
        var photo = CliFixtures.Write(input, "photo.png", CliFixtures.RandomImage(3, width: 40, height: 30));
        var output = fx.NewFolder("out");
        string Out(string name) => Path.Combine(output, name);

        var tiled = Run("upscale", photo, "-o", Out("tiled.png"), "-t", "8", "-x", "--weights", fx.Edsr, "--device", "cpu");
        var whole = Run("upscale", photo, "-o", Out("whole.png"), "--self-ensemble", "--weights", fx.Edsr, "--device", "cpu");
        var stored = Run("upscale", photo, "-o", Out("stored.png"), "--png-compression", "0", "--weights", fx.Edsr, "--device", "cpu");
        var low = Run("upscale", photo, "-o", Out("low.jpg"), "--jpeg-quality", "20", "--weights", fx.Edsr, "--device", "cpu");
        var high = Run("upscale", photo, "-o", Out("high.jpg"), "--jpeg-quality", "100", "--weights", fx.Edsr, "--device", "cpu");

        foreach (var run in new[] { tiled, whole, stored, low, high })
            run.AssertExit(0);
        Assert.Equal(ImageCodec.Read(Out("whole.png")).Data, ImageCodec.Read(Out("tiled.png")).Data);
        Assert.NotEqual(ImageCodec.Read(Out("whole.png")).Data, ImageCodec.Read(Out("stored.png")).Data); // no ensemble there
        Assert.True(new FileInfo(Out("stored.png")).Length > 80 * 60 * 3, "level 0 stores the rows");
        Assert.True(new FileInfo(Out("low.jpg")).Length < new FileInfo(Out("high.jpg")).Length);

        var badQuality = Run("upscale", photo, "-o", Out("bad.jpg"), "--jpeg-quality", "0", "--weights", fx.Edsr);
        var badLevel = Run("upscale", photo, "-o", Out("bad.png"), "--png-compression", "10", "--weights", fx.Edsr);
        var badPattern = Run("upscale", photo, "-o", output, "--name", "{stem}.png", "--weights", fx.Edsr);
        var pathPattern = Run("upscale", photo, "-o", output, "--name", "sub/{name}.png", "--weights", fx.Edsr);
        foreach (var run in new[] { badQuality, badLevel, badPattern, pathPattern })
            run.AssertExit(2);
        Assert.Contains("{stem}", badPattern.Err);
    }
}
