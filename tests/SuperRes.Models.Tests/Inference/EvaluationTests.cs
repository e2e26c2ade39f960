using SuperRes.Models.Evaluation;

namespace SuperRes.Models.Tests.Inference;

/// <summary>The evaluation library: dataset layouts and the bicubic baseline of the papers' tables.</summary>
public sealed class EvaluationTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("superres-eval-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Set5(int scale, string part) => TestPaths.Benchmark("Set5", scale, part);

    [Fact]
    public void Bicubic_on_set5_x2_is_the_published_figure_and_the_imaging_helpers()
    {
        var pairs = DatasetPairs.Find(Set5(2, "HR"), Set5(2, "LR"), 2);
        Assert.Equal(5, pairs.Count);
        var result = Evaluator.Run(pairs, 2, upscale: null);
        output.WriteLine($"Set5 x2 bicubic: PSNR {result.MeanPsnr:F4}, SSIM {result.MeanSsim:F4}");
        Assert.InRange(result.MeanPsnr, 33.64, 33.68);
        Assert.InRange(result.MeanSsim, 0.9289, 0.9309);

        // The imaging tests' code path: imresize(uint8 LR, 2, 'bicubic') against HR, Y, shave 2.
        double helper = pairs.Average(p =>
        {
            var up = Resize.Bicubic(ImageCodec.Read(p.LrPath!), 2, quantize: true);
            return Metrics.Psnr(up, ImageCodec.Read(p.HrPath), 2);
        });
        Assert.Equal(helper, result.MeanPsnr, 9);
    }

    [Fact]
    public void Without_lr_files_the_lr_is_made_by_matlab_bicubic_like_the_shipped_ones()
    {
        var withFiles = Evaluator.Run(DatasetPairs.Find(Set5(2, "HR"), Set5(2, "LR"), 2), 2, null);
        var made = Evaluator.Run(DatasetPairs.Find(Set5(2, "HR"), null, 2), 2, null);
        Assert.Equal(withFiles.Images.Select(i => i.Psnr), made.Images.Select(i => i.Psnr));
    }

    [Fact]
    public void The_div2k_and_edsr_layouts_pair_like_ours()
    {
        var hr = ImageFolder.Files(Set5(2, "HR")).Take(2).ToArray();
        // DIV2K: DIV2K_valid_HR/0801.png + DIV2K_valid_LR_bicubic/X2/0801x2.png
        var div2kHr = Directory.CreateDirectory(Path.Combine(_dir, "DIV2K_valid_HR")).FullName;
        var div2kLr = Directory.CreateDirectory(Path.Combine(_dir, "DIV2K_valid_LR_bicubic", "X2")).FullName;
        // EDSR-PyTorch: benchmark/Set5/HR/baby.png + benchmark/Set5/LR_bicubic/X2/babyx2.png
        var edsrHr = Directory.CreateDirectory(Path.Combine(_dir, "benchmark", "Set5", "HR")).FullName;
        var edsrLr = Directory.CreateDirectory(Path.Combine(_dir, "benchmark", "Set5", "LR_bicubic", "X2")).FullName;
        string[] names = ["baby", "bird"];
        for (int i = 0; i < hr.Length; i++)
        {
            string lr = Path.Combine(Set5(2, "LR"), Path.GetFileName(hr[i]));
            File.Copy(hr[i], Path.Combine(div2kHr, $"{801 + i:0000}.png"));
            File.Copy(lr, Path.Combine(div2kLr, $"{801 + i:0000}x2.png"));
            File.Copy(hr[i], Path.Combine(edsrHr, names[i] + ".png"));
            File.Copy(lr, Path.Combine(edsrLr, names[i] + "x2.png"));
        }

        var div2k = DatasetPairs.Find(div2kHr, Path.Combine(_dir, "DIV2K_valid_LR_bicubic"), 2);
        Assert.Equal(["0801", "0802"], div2k.Select(p => p.Name));
        Assert.Equal(Path.Combine(div2kLr, "0801x2.png"), div2k[0].LrPath);
        var edsr = DatasetPairs.Find(edsrHr, Path.Combine(_dir, "benchmark", "Set5", "LR_bicubic"), 2);
        Assert.Equal(["baby", "bird"], edsr.Select(p => p.Name));
        Assert.Equal(Path.Combine(edsrLr, "babyx2.png"), edsr[0].LrPath);
        // The scale folder itself is accepted too.
        Assert.Equal(2, DatasetPairs.Find(edsrHr, edsrLr, 2).Count);

        var ours = Evaluator.Run(DatasetPairs.Find(Set5(2, "HR"), Set5(2, "LR"), 2).Take(2).ToArray(), 2, null);
        Assert.Equal(ours.Images.Select(i => i.Psnr), Evaluator.Run(div2k, 2, null).Images.Select(i => i.Psnr));
        Assert.Equal(ours.Images.Select(i => i.Psnr), Evaluator.Run(edsr, 2, null).Images.Select(i => i.Psnr));

        // A missing LR file is named.
        File.Delete(Path.Combine(edsrLr, "birdx2.png"));
        var error = Assert.Throws<SuperResException>(() => DatasetPairs.Find(edsrHr, edsrLr, 2));
        Assert.Contains("bird.png", error.Message);
    }

    [Fact]
    public void Lr_of_the_wrong_size_is_reported()
    {
        var pairs = DatasetPairs.Find(Set5(2, "HR"), Set5(2, "LR"), 2).Take(1).ToArray();
        var error = Assert.Throws<SuperResException>(() => Evaluator.Run(pairs, 3, null));
        Assert.Contains("x3", error.Message);
    }
}
