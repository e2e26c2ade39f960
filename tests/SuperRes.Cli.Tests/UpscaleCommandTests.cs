using SuperRes.Imaging;
using SuperRes.Models.Inference;
using SuperRes.Models.Modules;
using SuperRes.Models.Networks;
using SuperRes.Models.Weights;
using SuperRes.Runtime;
using SuperRes.Runtime.Cpu;

namespace SuperRes.Cli.Tests;

/// <summary>
/// Small fixture networks and images, made fresh in a temporary folder per test class: an EDSR-baseline x2 with
/// one block of 8 features (RGB path; saved as safetensors and as a PyTorch .pt) and an FSRCNN x2 (d 8, s 4,
/// m 1; the Y path), both random-initialised; tiny 17×13 images in every supported channel layout.
/// </summary>
public sealed class CliFixtures : IDisposable
{
    public const string EdsrOptions = "blocks=1,features=8";

    public CliFixtures()
    {
        Dir = Directory.CreateTempSubdirectory("superres-cli-").FullName;
        using var device = new CpuDevice();
        Init.Seed(11);
        using (var edsr = ModelZoo.Create(device, "edsr-baseline", 2, ModelOptions.Parse(EdsrOptions)))
        {
            NetworkWeights.SaveSafetensors(edsr, Edsr);
            NetworkWeights.SavePyTorch(edsr, EdsrPt);
        }
        using (var fsrcnn = ModelZoo.Create(device, "fsrcnn", 2, ModelOptions.Parse("d=8,s=4,m=1")))
            NetworkWeights.SaveSafetensors(fsrcnn, Fsrcnn);
    }

    public string Dir { get; }
    public string Edsr => Path.Combine(Dir, "edsr_baseline_tiny_x2.safetensors");
    public string EdsrPt => Path.Combine(Dir, "edsr_baseline_tiny_x2.pt");
    public string Fsrcnn => Path.Combine(Dir, "fsrcnn_tiny_x2.safetensors");

    public void Dispose() => Directory.Delete(Dir, recursive: true);

    /// <summary>A fresh empty folder under the fixture folder.</summary>
    public string NewFolder(string name) => Directory.CreateDirectory(Path.Combine(Dir, name + "-" + Guid.NewGuid().ToString("N")[..8])).FullName;

    /// <summary>A random image with a smooth alpha ramp (so bicubic alpha is checkable).</summary>
    public static Image RandomImage(int channels, int bitDepth = 8, int width = 17, int height = 13, int seed = 3)
    {
        var image = new Image(width, height, channels, bitDepth);
        var rng = new Random(seed);
        for (int i = 0; i < image.Data.Length; i++)
            image.Data[i] = rng.Next((int)image.MaxValue + 1);
        if (image.HasAlpha)
        {
            var alpha = image.Plane(channels - 1);
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    alpha[y * width + x] = MathF.Round(image.MaxValue * (x + y) / (width + height - 2));
        }
        return image;
    }

    /// <summary>A random RGB image written as rgb.png into a fresh input folder; returns its path.</summary>
    public string NewRgbInput(int width = 17, int height = 13) => Write(NewFolder("in"), "rgb.png", RandomImage(3, width: width, height: height));

    public static string Write(string folder, string name, Image image)
    {
        var path = Path.Combine(folder, name);
        ImageCodec.Write(path, image);
        return path;
    }
}

public sealed class UpscaleCommandTests(ITestOutputHelper log, CliFixtures fx) : IClassFixture<CliFixtures>
{
    private readonly CliFixtures _fx = fx;

    private CliRun Run(params string[] args) => CliRun.Logged(log, args);

    [Fact]
    public void Rgb_gray_rgba_and_16_bit_pngs_on_cpu() => EveryLayout("cpu");

    [OpenClFact]
    public void Rgb_gray_rgba_and_16_bit_pngs_on_opencl() => EveryLayout("opencl");

    private void EveryLayout(string device)
    {
        var input = _fx.NewFolder("in");
        var images = new Dictionary<string, Image>
        {
            ["rgb"] = CliFixtures.RandomImage(3),
            ["gray"] = CliFixtures.RandomImage(1),
            ["graya"] = CliFixtures.RandomImage(2),
            ["rgba"] = CliFixtures.RandomImage(4),
            ["rgb16"] = CliFixtures.RandomImage(3, 16),
            ["rgba16"] = CliFixtures.RandomImage(4, 16),
        };
        foreach (var (name, image) in images)
            CliFixtures.Write(input, name + ".png", image);
        var output = Path.Combine(_fx.NewFolder("out"), "sr");

        var run = Run("upscale", input, "-o", output, "--weights", _fx.Edsr, "--device", device);

        run.AssertExit(0);
        using var cpu = new CpuDevice();
        using var upscaler = Upscaler.Load(cpu, null, null, _fx.Edsr);
        foreach (var (name, image) in images)
        {
            var result = ImageCodec.Read(Path.Combine(output, name + ".png"));
            Assert.Equal((34, 26, image.Channels, image.BitDepth), (result.Width, result.Height, result.Channels, result.BitDepth));
            if (image.HasAlpha) // alpha kept: MATLAB bicubic of the input's alpha
            {
                var alpha = Resize.Bicubic(image.SelectChannels(image.Channels - 1, 1), 34, 26).Quantized();
                Assert.Equal(alpha.Data, result.SelectChannels(image.Channels - 1, 1).Data);
            }
            // What the library makes on the Cpu device, to a level (OpenCL may round the other way on a tie).
            var expected = upscaler.Upscale(image);
            double maxLevel = expected.Data.Zip(result.Data, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(maxLevel <= (device == "cpu" ? 0 : 1), $"{name}: {maxLevel} levels from the library's result");
        }
        Assert.Empty(Directory.GetFiles(output, "*.tmp"));
    }

    [Fact]
    public void The_y_network_path_keeps_rgb_and_gray()
    {
        var rgb = _fx.NewRgbInput();
        var gray = CliFixtures.Write(Path.GetDirectoryName(rgb)!, "gray.png", CliFixtures.RandomImage(1, 16));
        var output = _fx.NewFolder("out");

        var one = Run("upscale", rgb, "-o", Path.Combine(output, "rgb_x2.png"), "--weights", _fx.Fsrcnn, "--device", "cpu");
        var two = Run("upscale", gray, "-o", Path.Combine(output, "gray_x2.png"), "--weights", _fx.Fsrcnn, "--device", "cpu");

        one.AssertExit(0);
        two.AssertExit(0);
        var r = ImageCodec.Read(Path.Combine(output, "rgb_x2.png"));
        Assert.Equal((34, 26, 3, 8), (r.Width, r.Height, r.Channels, r.BitDepth));
        var g = ImageCodec.Read(Path.Combine(output, "gray_x2.png"));
        Assert.Equal((34, 26, 1, 16), (g.Width, g.Height, g.Channels, g.BitDepth));
        Assert.Contains("fsrcnn x2", one.Out);
    }

    [Fact]
    public void A_corrupt_file_is_reported_and_skipped_and_the_rest_finish()
    {
        var input = _fx.NewFolder("in");
        CliFixtures.Write(input, "a.png", CliFixtures.RandomImage(3));
        File.WriteAllBytes(Path.Combine(input, "broken.png"), [0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10, 0, 0, 0, 13, 1, 2, 3]);
        CliFixtures.Write(input, "c.png", CliFixtures.RandomImage(1));
        var output = _fx.NewFolder("out");

        var run = Run("upscale", input, "-o", output, "--weights", _fx.Edsr, "--device", "cpu");

        run.AssertExit(1);
        Assert.Contains("broken.png", run.Err);
        Assert.Contains("1 of 3 image(s) failed", run.Err);
        Assert.Equal(["a.png", "c.png"], Directory.GetFiles(output).Select(f => Path.GetFileName(f)).Order().ToArray());
        Assert.Equal((34, 26), (ImageCodec.Read(Path.Combine(output, "c.png")).Width, ImageCodec.Read(Path.Combine(output, "c.png")).Height));
    }

    [Fact]
    public void A_first_image_that_fails_to_decode_beside_the_device_is_reported_and_the_rest_finish()
    {
        // The first input is decoded while the device opens (UpscalePrefetch): its header reads, its pixels do not.
        var input = _fx.NewFolder("in");
        var whole = File.ReadAllBytes(CliFixtures.Write(input, "b.png", CliFixtures.RandomImage(3)));
        File.WriteAllBytes(Path.Combine(input, "a_truncated.png"), whole[..(whole.Length / 2)]);
        var output = _fx.NewFolder("out");

        var run = Run("upscale", input, "-o", output, "--weights", _fx.Fsrcnn, "--device", "cpu");

        run.AssertExit(1);
        Assert.Contains("a_truncated.png", run.Err);
        Assert.Contains("1 of 2 image(s) failed", run.Err);
        Assert.Equal(["b.png"], Directory.GetFiles(output).Select(f => Path.GetFileName(f)).ToArray());
    }

    [Fact]
    public void Timings_report_every_phase_of_the_streamed_upscale()
    {
        var rgb = _fx.NewRgbInput();
        var output = Path.Combine(_fx.NewFolder("out"), "x2.png");

        var run = Run("upscale", rgb, "-o", output, "--weights", _fx.Fsrcnn, "--device", "cpu", "--timings").AssertExit(0);

        foreach (var phase in new[] { "process start to the command's handler", "choose and open the device", "load the weights",
                     "read the first input", "forward a tile", "convert a block", "hand rows to the encoder", "complete the output", "process CPU" })
            Assert.Contains(phase, run.Err);
        Assert.DoesNotContain("forward a tile", Run("upscale", rgb, "-o", output + ".again.png", "--weights", _fx.Fsrcnn, "--device", "cpu").Err);
    }

    [Theory]
    [InlineData("jpg", ImageFormat.Jpeg)]
    [InlineData("bmp", ImageFormat.Bmp)]
    [InlineData("png", ImageFormat.Png)]
    public void Output_formats_by_option_and_by_name(string format, ImageFormat expected)
    {
        var input = _fx.NewFolder("in");
        var rgb = CliFixtures.Write(input, "photo.png", CliFixtures.RandomImage(3));
        CliFixtures.Write(input, "scan.png", CliFixtures.RandomImage(1, 16));
        var output = _fx.NewFolder("out");

        var byOption = Run("upscale", input, "-o", output, "--format", format, "--weights", _fx.Edsr, "--device", "cpu");
        var single = Path.Combine(output, "single." + format);
        var byName = Run("upscale", rgb, "-o", single, "--weights", _fx.Edsr, "--device", "cpu");

        byOption.AssertExit(0);
        byName.AssertExit(0);
        foreach (var file in new[] { Path.Combine(output, "photo." + format), Path.Combine(output, "scan." + format), single })
        {
            Assert.Equal(expected, ImageCodec.Sniff(File.ReadAllBytes(file)));
            var image = ImageCodec.Read(file);
            Assert.Equal((34, 26), (image.Width, image.Height));
        }
        // JPEG and BMP hold 8 bits: a 16-bit input is written as 8-bit there, as 16-bit in PNG.
        Assert.Equal(expected == ImageFormat.Png ? 16 : 8, ImageCodec.Read(Path.Combine(output, "scan." + format)).BitDepth);
    }

    [Fact]
    public void Pytorch_weights_with_model_and_scale_give_the_same_result()
    {
        var rgb = _fx.NewRgbInput();
        var output = _fx.NewFolder("out");

        var fromSafetensors = Run("upscale", rgb, "-o", Path.Combine(output, "a.png"), "--weights", _fx.Edsr, "--device", "cpu");
        var fromPt = Run("upscale", rgb, "-o", Path.Combine(output, "b.png"), "--weights", _fx.EdsrPt,
            "--model", "edsr-baseline", "--scale", "2", "--options", CliFixtures.EdsrOptions, "--device", "cpu");
        var withoutModel = Run("upscale", rgb, "-o", Path.Combine(output, "c.png"), "--weights", _fx.EdsrPt, "--device", "cpu");

        fromSafetensors.AssertExit(0);
        fromPt.AssertExit(0);
        Assert.Equal(File.ReadAllBytes(Path.Combine(output, "a.png")), File.ReadAllBytes(Path.Combine(output, "b.png")));
        withoutModel.AssertExit(1);
        Assert.Contains("--model", withoutModel.Err);
        Assert.False(File.Exists(Path.Combine(output, "c.png")));
    }

    [Fact]
    public void Tiled_output_is_identical_and_a_short_overlap_warns()
    {
        var rgb = _fx.NewRgbInput(width: 23, height: 19);
        var output = _fx.NewFolder("out");

        var whole = Run("upscale", rgb, "-o", Path.Combine(output, "whole.png"), "--weights", _fx.Edsr, "--device", "cpu");
        var tiled = Run("upscale", rgb, "-o", Path.Combine(output, "tiled.png"), "--weights", _fx.Edsr, "--device", "cpu", "--tile", "5");
        var shortOverlap = Run("upscale", rgb, "-o", Path.Combine(output, "short.png"), "--weights", _fx.Edsr, "--device", "cpu", "--tile", "5", "--tile-overlap", "1");

        Assert.True(whole.ExitCode == 0 && tiled.ExitCode == 0 && shortOverlap.ExitCode == 0, $"{whole}\n{tiled}\n{shortOverlap}");
        Assert.Equal(ImageCodec.Read(Path.Combine(output, "whole.png")).Data, ImageCodec.Read(Path.Combine(output, "tiled.png")).Data);
        Assert.DoesNotContain("warning", tiled.Err);
        Assert.Contains("warning:", shortOverlap.Err);
        Assert.Contains("receptive radius", shortOverlap.Err);
    }

    [Fact]
    public void Self_ensemble_and_a_memory_cap_run()
    {
        var rgb = _fx.NewRgbInput();
        var output = _fx.NewFolder("out");

        var plain = Run("upscale", rgb, "-o", Path.Combine(output, "plain.png"), "--weights", _fx.Edsr, "--device", "cpu");
        var ensemble = Run("upscale", rgb, "-o", Path.Combine(output, "ensemble.png"), "--weights", _fx.Edsr, "--device", "cpu",
            "--self-ensemble", "--max-memory", "64M");

        plain.AssertExit(0);
        ensemble.AssertExit(0);
        var a = ImageCodec.Read(Path.Combine(output, "plain.png"));
        var b = ImageCodec.Read(Path.Combine(output, "ensemble.png"));
        Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
        Assert.NotEqual(a.Data, b.Data);
    }

    [Fact]
    public void Missing_inputs_and_weights_are_errors()
    {
        var output = _fx.NewFolder("out");
        var noInput = Run("upscale", Path.Combine(_fx.Dir, "nosuch.png"), "-o", output, "--weights", _fx.Edsr, "--device", "cpu");
        noInput.AssertExit(1);
        Assert.Contains("nosuch.png", noInput.Err);

        var rgb = _fx.NewRgbInput();
        var noWeights = Run("upscale", rgb, "-o", Path.Combine(output, "x.png"), "--weights", Path.Combine(_fx.Dir, "nosuch.safetensors"), "--device", "cpu");
        noWeights.AssertExit(1);
        Assert.Contains("nosuch.safetensors", noWeights.Err);

        var badFormat = Run("upscale", rgb, "-o", Path.Combine(output, "x.tiff"), "--weights", _fx.Edsr, "--device", "cpu");
        badFormat.AssertExit(1);
        Assert.Contains("x.tiff", badFormat.Err);
        Assert.Empty(Directory.GetFiles(output));
    }
}
