using System.Text.Json;
using SuperRes.Imaging;

namespace SuperRes.Cli.Tests;

public sealed class EvalCommandTests(ITestOutputHelper log, CliFixtures fx) : IClassFixture<CliFixtures>
{
    private CliRun Run(params string[] args) => CliRun.Logged(log, args);

    private static JsonElement ReadJson(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement;

    private static double[] ImagePsnrs(JsonElement json) => json.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("psnr").GetDouble()).ToArray();

    [Fact]
    public void Bicubic_on_set5_x2_is_33_66()
    {
        var json = Path.Combine(fx.NewFolder("eval"), "set5.json");
        var run = Run("eval", "--model", "bicubic", "--scale", "2", "--hr", TestPaths.Benchmark("Set5", 2, "HR"), "--lr", TestPaths.Benchmark("Set5", 2, "LR"), "--json", json);

        run.AssertExit(0);
        var doc = ReadJson(json);
        double psnr = doc.GetProperty("psnr").GetDouble();
        Assert.InRange(psnr, 33.64, 33.68);
        Assert.InRange(doc.GetProperty("ssim").GetDouble(), 0.9289, 0.9309);
        var images = doc.GetProperty("images").EnumerateArray().ToArray();
        Assert.Equal(5, images.Length);
        Assert.All(images, i =>
        {
            Assert.False(string.IsNullOrEmpty(i.GetProperty("name").GetString()));
            Assert.True(i.GetProperty("psnr").GetDouble() > 25);
            Assert.InRange(i.GetProperty("ssim").GetDouble(), 0.5, 1);
        });
        Assert.Equal(psnr, ImagePsnrs(doc).Average(), 9);
        Assert.Contains($"{psnr:F3}", run.Out);
        Assert.Contains("mean", run.Out);
    }

    [Fact]
    public void The_three_dataset_layouts_give_the_same_scores()
    {
        var root = fx.NewFolder("layouts");
        var hr = Directory.GetFiles(TestPaths.Benchmark("Set5", 2, "HR"), "*.png").Order().Take(3).ToArray();
        // ours: HR/ and LR/ with the same names
        var oursHr = Directory.CreateDirectory(Path.Combine(root, "ours", "x2", "HR")).FullName;
        var oursLr = Directory.CreateDirectory(Path.Combine(root, "ours", "x2", "LR")).FullName;
        // DIV2K: DIV2K_valid_HR/0801.png + DIV2K_valid_LR_bicubic/X2/0801x2.png
        var div2kHr = Directory.CreateDirectory(Path.Combine(root, "DIV2K_valid_HR")).FullName;
        var div2kLr = Directory.CreateDirectory(Path.Combine(root, "DIV2K_valid_LR_bicubic", "X2")).FullName;
        // EDSR-PyTorch: benchmark/Set5/HR/baby.png + benchmark/Set5/LR_bicubic/X2/babyx2.png
        var edsrHr = Directory.CreateDirectory(Path.Combine(root, "benchmark", "Set5", "HR")).FullName;
        var edsrLr = Directory.CreateDirectory(Path.Combine(root, "benchmark", "Set5", "LR_bicubic", "X2")).FullName;
        string[] names = ["baby", "bird", "butterfly"];
        for (int i = 0; i < hr.Length; i++)
        {
            var lr = Path.Combine(TestPaths.Benchmark("Set5", 2, "LR"), Path.GetFileName(hr[i]));
            File.Copy(hr[i], Path.Combine(oursHr, Path.GetFileName(hr[i])));
            File.Copy(lr, Path.Combine(oursLr, Path.GetFileName(hr[i])));
            File.Copy(hr[i], Path.Combine(div2kHr, $"{801 + i:0000}.png"));
            File.Copy(lr, Path.Combine(div2kLr, $"{801 + i:0000}x2.png"));
            File.Copy(hr[i], Path.Combine(edsrHr, names[i] + ".png"));
            File.Copy(lr, Path.Combine(edsrLr, names[i] + "x2.png"));
        }

        var runs = new (string Hr, string? Lr, string Json)[]
        {
            (oursHr, oursLr, Path.Combine(root, "ours.json")),
            (div2kHr, Path.Combine(root, "DIV2K_valid_LR_bicubic"), Path.Combine(root, "div2k.json")),
            (edsrHr, Path.Combine(root, "benchmark", "Set5", "LR_bicubic"), Path.Combine(root, "edsr.json")),
            (oursHr, null, Path.Combine(root, "made.json")), // no LR: made from HR by MATLAB bicubic
        };
        foreach (var (hrDir, lrDir, json) in runs)
        {
            string[] args = lrDir is null
                ? ["eval", "--model", "bicubic", "--scale", "2", "--hr", hrDir, "--json", json]
                : ["eval", "--model", "bicubic", "--scale", "2", "--hr", hrDir, "--lr", lrDir, "--json", json];
            var run = Run(args);
            run.AssertExit(0);
        }
        var expected = ImagePsnrs(ReadJson(runs[0].Json));
        Assert.Equal(3, expected.Length);
        foreach (var (_, _, json) in runs.Skip(1))
            Assert.Equal(expected, ImagePsnrs(ReadJson(json)));
        Assert.Equal(["baby", "bird", "butterfly"], ReadJson(runs[2].Json).GetProperty("images").EnumerateArray().Select(i => i.GetProperty("name").GetString()));
    }

    [Fact]
    public void A_network_with_save_and_json_on_cpu() => NetworkEval("cpu");

    [OpenClFact]
    public void A_network_with_save_and_json_on_opencl() => NetworkEval("opencl");

    private void NetworkEval(string device)
    {
        // Small HR crops of Set5, so the fixture network runs in a blink; LR made by MATLAB bicubic.
        var hrDir = fx.NewFolder("hr");
        foreach (var file in Directory.GetFiles(TestPaths.Benchmark("Set5", 2, "HR"), "*.png").Order().Take(2))
            ImageCodec.Write(Path.Combine(hrDir, Path.GetFileName(file)), ImageCodec.Read(file).Crop(20, 30, 41, 37));
        var save = Path.Combine(fx.NewFolder("sr"), "saved");
        var json = Path.Combine(fx.NewFolder("json"), "scores.json");

        var run = Run("eval", "--weights", fx.Edsr, "--scale", "2", "--hr", hrDir, "--save", save, "--json", json, "--device", device);

        run.AssertExit(0);
        var doc = ReadJson(json);
        Assert.Equal(2, doc.GetProperty("images").GetArrayLength());
        Assert.True(doc.TryGetProperty("bicubic", out var bicubic), "no bicubic comparison in the JSON");
        Assert.True(bicubic.GetProperty("psnr").GetDouble() > 15);
        Assert.Equal("edsr-baseline", doc.GetProperty("model").GetString());
        Assert.Contains("bicubic PSNR", run.Out);
        foreach (var image in doc.GetProperty("images").EnumerateArray())
        {
            // 41×37 cropped to a multiple of 2: 40×36.
            var sr = ImageCodec.Read(Path.Combine(save, image.GetProperty("name").GetString() + ".png"));
            Assert.Equal((40, 36, 3), (sr.Width, sr.Height, sr.Channels));
            Assert.True(double.IsFinite(image.GetProperty("psnr").GetDouble()));
        }
    }

    [Fact]
    public void Bad_arguments_are_errors()
    {
        var bicubicWithWeights = Run("eval", "--model", "bicubic", "--weights", fx.Edsr, "--scale", "2", "--hr", TestPaths.Benchmark("Set5", 2, "HR"));
        bicubicWithWeights.AssertExit(1);

        var noScale = Run("eval", "--model", "bicubic", "--hr", TestPaths.Benchmark("Set5", 2, "HR"));
        noScale.AssertExit(1);
        Assert.Contains("--scale", noScale.Err);

        var wrongLr = Run("eval", "--model", "bicubic", "--scale", "3", "--hr", TestPaths.Benchmark("Set5", 2, "HR"), "--lr", TestPaths.Benchmark("Set5", 2, "LR"));
        wrongLr.AssertExit(1);
        Assert.Contains("x3", wrongLr.Err);
    }
}
