using Xunit.Abstractions;

namespace SuperRes.Imaging.Tests;

public class MetricsTests(ITestOutputHelper output)
{
    // Published bicubic baselines (PSNR dB / SSIM), Y channel, shave = scale.
    private static readonly Dictionary<(string, int), (double Psnr, double Ssim)> Published = new()
    {
        [("Set5", 2)] = (33.66, .9299), [("Set5", 3)] = (30.39, .8682), [("Set5", 4)] = (28.42, .8104),
        [("Set14", 2)] = (30.24, .8688), [("Set14", 3)] = (27.55, .7742), [("Set14", 4)] = (26.00, .7027),
    };

    private static readonly Dictionary<(string, int), (double, double)> Baselines = new();

    /// <summary>Mean PSNR/SSIM of imresize(LR, s, 'bicubic') against HR; computed once per run.</summary>
    private static (double Psnr, double Ssim) BicubicBaseline(string set, int s)
    {
        lock (Baselines)
            if (Baselines.TryGetValue((set, s), out var known)) return known;
        var pairs = Benchmark.Pairs(set, s);
        var results = pairs.AsParallel().Select(p =>
        {
            var up = Resize.Bicubic(p.Lr, s, quantize: true); // imresize(uint8 LR, s, 'bicubic')
            return (Metrics.Psnr(up, p.Hr, s), Metrics.Ssim(up, p.Hr, s));
        }).ToList();
        var mean = (results.Average(r => r.Item1), results.Average(r => r.Item2));
        lock (Baselines) Baselines[(set, s)] = mean;
        return mean;
    }

    [Fact]
    public void BicubicSet5X2MatchesThePublishedFigure()
    {
        var (psnr, ssim) = BicubicBaseline("Set5", 2);
        output.WriteLine($"Set5 x2 bicubic: PSNR {psnr:F4} dB (published 33.66), SSIM {ssim:F4} (published .9299)");
        Assert.InRange(psnr, 33.64, 33.68);
        Assert.InRange(ssim, 0.9289, 0.9309);
    }

    [Fact]
    public void BicubicBaselinesForAllSetsAndScales()
    {
        foreach (var set in Benchmark.Sets)
            foreach (int s in Benchmark.Scales)
            {
                var (psnr, ssim) = BicubicBaseline(set, s);
                var pub = Published[(set, s)];
                output.WriteLine($"{set} x{s} bicubic: PSNR {psnr:F4} (published {pub.Psnr:F2}, Δ {psnr - pub.Psnr:+0.000;-0.000}), " +
                                 $"SSIM {ssim:F4} (published {pub.Ssim:F4}, Δ {ssim - pub.Ssim:+0.0000;-0.0000})");
                // Loose guard: the table is reproduced to a few hundredths of a dB.
                Assert.InRange(psnr - pub.Psnr, -0.05, 0.05);
                Assert.InRange(ssim - pub.Ssim, -0.002, 0.002);
            }
    }

    [Fact]
    public void PsnrOfAKnownError()
    {
        var a = new Image(20, 20, 1); var b = new Image(20, 20, 1);
        Array.Fill(a.Data, 100f); Array.Fill(b.Data, 110f);
        Assert.Equal(10 * Math.Log10(255.0 * 255 / 100), Metrics.Psnr(a, b, 2), 10);
        Assert.Equal(double.PositiveInfinity, Metrics.Psnr(a, a, 0));
        Assert.Equal(1.0, Metrics.Ssim(a, a, 0), 12);
    }

    [Fact]
    public void PsnrIsMeasuredOnRoundedImagesY()
    {
        // RGB error only in blue moves Y by 24.966/255 per level; SR output is rounded to 8 bits first.
        var hr = new Image(16, 16, 3); var sr = new Image(16, 16, 3);
        Array.Fill(hr.Data, 50f); Array.Fill(sr.Data, 50f);
        for (int i = 0; i < 256; i++) sr.Data[2 * 256 + i] = 60.4f; // rounds to 60
        double dy = 10 * 24.966 / 255;
        Assert.Equal(10 * Math.Log10(255.0 * 255 / (dy * dy)), Metrics.Psnr(sr, hr, 1), 9);
        var sr16 = sr.ToBitDepth(16); // 16-bit input is evaluated at 8 bits as well
        Assert.Equal(Metrics.Psnr(sr, hr, 1), Metrics.Psnr(sr16, hr, 1), 9);
    }

    [Fact]
    public void SsimMatchesADirectComputationOnASmallImage()
    {
        var rng = new Random(5);
        int w = 13, h = 12;
        var a = new double[w * h]; var b = new double[w * h];
        for (int i = 0; i < a.Length; i++) { a[i] = rng.Next(256); b[i] = Math.Clamp(a[i] + rng.Next(-20, 21), 0, 255); }
        // Direct 2-D Gaussian window, 'valid' positions only, as in Wang's ssim_index.m.
        var g = new double[11, 11]; double gs = 0;
        for (int i = 0; i < 11; i++) for (int j = 0; j < 11; j++) gs += g[i, j] = Math.Exp(-((i - 5) * (i - 5) + (j - 5) * (j - 5)) / (2 * 1.5 * 1.5));
        double total = 0; int n = 0;
        for (int y = 0; y + 11 <= h; y++)
            for (int x = 0; x + 11 <= w; x++)
            {
                double m1 = 0, m2 = 0, s11 = 0, s22 = 0, s12 = 0;
                for (int i = 0; i < 11; i++) for (int j = 0; j < 11; j++)
                {
                    double wt = g[i, j] / gs, p = a[(y + i) * w + x + j], q = b[(y + i) * w + x + j];
                    m1 += wt * p; m2 += wt * q; s11 += wt * p * p; s22 += wt * q * q; s12 += wt * p * q;
                }
                double c1 = 6.5025, c2 = 58.5225;
                total += (2 * m1 * m2 + c1) * (2 * (s12 - m1 * m2) + c2) / ((m1 * m1 + m2 * m2 + c1) * (s11 - m1 * m1 + s22 - m2 * m2 + c2));
                n++;
            }
        Assert.Equal(total / n, Metrics.Ssim(a, b, w, h), 10);
    }

    [Fact]
    public void MismatchedSizesAndExcessiveShaveAreRejected()
    {
        Assert.Throws<ArgumentException>(() => Metrics.Psnr(new Image(10, 10, 3), new Image(10, 11, 3), 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.Psnr(new Image(10, 10, 3), new Image(10, 10, 3), 5));
    }
}
