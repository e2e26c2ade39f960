using Xunit.Abstractions;

namespace SuperRes.Imaging.Tests;

public class ResizeTests(ITestOutputHelper output)
{
    /// <summary>
    /// The benchmark LR files are MATLAB imresize(hr, 1/s, 'bicubic') of the HR files beside them.
    /// Our uint8-emulating resize must reproduce them: required ≥ 99 % of samples within ±1.
    /// </summary>
    [Fact]
    public void DownscalingHrReproducesTheBenchmarkLrFiles()
    {
        long allTotal = 0, allWithin = 0, allExact = 0;
        foreach (var set in Benchmark.Sets)
            foreach (int s in Benchmark.Scales)
            {
                long total = 0, within = 0, exact = 0;
                foreach (var (name, hr, lr) in Benchmark.Pairs(set, s))
                {
                    var down = Resize.Bicubic(hr, 1.0 / s, quantize: true);
                    Assert.True((down.Width, down.Height, down.Channels) == (lr.Width, lr.Height, lr.Channels),
                        $"{set} x{s} {name}: got {down.Width}x{down.Height}x{down.Channels}, LR is {lr.Width}x{lr.Height}x{lr.Channels}");
                    for (int i = 0; i < lr.Data.Length; i++)
                    {
                        float d = Math.Abs(down.Data[i] - lr.Data[i]);
                        total++;
                        if (d <= 1) within++;
                        if (d == 0) exact++;
                    }
                }
                output.WriteLine($"{set} x{s}: {100.0 * within / total:F4} % within ±1, {100.0 * exact / total:F4} % exact ({total} samples)");
                Assert.True(within >= 0.99 * total, $"{set} x{s}: only {100.0 * within / total:F3} % within ±1");
                allTotal += total; allWithin += within; allExact += exact;
            }
        output.WriteLine($"overall: {100.0 * allWithin / allTotal:F4} % within ±1, {100.0 * allExact / allTotal:F4} % exact ({allTotal} samples)");
        // We actually reproduce MATLAB bit for bit; hold on to that.
        Assert.True(allExact >= 0.9999 * allTotal, $"only {100.0 * allExact / allTotal:F4} % exact");
    }

    [Theory]
    [InlineData(10, 7, 0.5, 5, 4)]
    [InlineData(510, 3, 1.0 / 3, 170, 1)]
    [InlineData(7, 5, 3, 21, 15)]
    [InlineData(9, 9, 0.25, 3, 3)]
    public void OutputSizeIsCeilOfScaledSize(int w, int h, double scale, int ow, int oh)
    {
        var r = Resize.Bicubic(new Image(w, h, 1), scale);
        Assert.Equal((ow, oh), (r.Width, r.Height));
    }

    [Theory]
    [InlineData(0.5)] [InlineData(0.25)] [InlineData(1.0 / 3)] [InlineData(2)] [InlineData(3)] [InlineData(1.7)]
    public void ConstantsStayConstantAndRampsStayRamps(double scale)
    {
        // Weights sum to 1 (constants preserved); the Keys cubic reproduces linear functions (when
        // shrinking by 1/n the taps sit symmetrically around the sample point), so away from the
        // clamped borders a ramp maps to the ramp sampled at x_in = (x_out + 0.5)/scale − 0.5.
        int w = 60, h = 3;
        var img = new Image(w, h, 2);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) { img[0, y, x] = 42; img[1, y, x] = 3 * x + 10; }
        var r = Resize.Bicubic(img, scale);
        int margin = (int)Math.Ceiling(3 * Math.Max(1, scale)) + 1;
        for (int x = 0; x < r.Width; x++)
        {
            Assert.Equal(42, r[0, 0, x], 4);
            if (x < margin || x >= r.Width - margin) continue;
            double xin = (x + 0.5) / scale - 0.5;
            Assert.Equal(3 * xin + 10, r[1, 0, x], 3);
        }
    }

    [Fact]
    public void ExplicitSizeUsesPerAxisScales()
    {
        var img = new Image(40, 30, 3);
        for (int i = 0; i < img.Data.Length; i++) img.Data[i] = i % 97;
        var a = Resize.Bicubic(img, 20, 15);
        var b = Resize.Bicubic(img, 0.5);
        Assert.Equal(b.Data, a.Data);
        var c = Resize.Bicubic(img, 53, 11); // different scale per axis, width up, height down
        Assert.Equal((53, 11, 3), (c.Width, c.Height, c.Channels));
    }

    [Fact]
    public void KernelIsKeysCubicWithAMinusHalf()
    {
        Assert.Equal(1, Resize.Cubic(0));
        Assert.Equal(0, Resize.Cubic(1));
        Assert.Equal(0, Resize.Cubic(2));
        Assert.Equal(0.5625, Resize.Cubic(0.5), 12);   // 1.5/8 − 2.5/4 + 1
        Assert.Equal(-0.0625, Resize.Cubic(1.5), 12);  // −0.5·3.375 + 2.5·2.25 − 6 + 2
    }

    [Fact]
    public void ContributionsMatchMatlabForHalving()
    {
        // imresize by 0.5, output pixel 1: u = 1.5, kernel width 8, taps −3..6 (1-based); the
        // all-zero outer columns (−3 and 6) are dropped as MATLAB does; indices clamp at the edge.
        var c = Resize.Contributions(10, 5, 0.5);
        Assert.Equal(8, c.Taps);
        Assert.Equal([0, 0, 0, 0, 1, 2, 3, 4], c.Index[..8]);
        double[] expected = [.. Enumerable.Range(-2, 8).Select(j => 0.5 * Resize.Cubic(0.5 * (1.5 - j)))];
        double sum = expected.Sum();
        for (int k = 0; k < 8; k++) Assert.Equal(expected[k] / sum, c.Weight[k], 12);
        // Enlarging by 2: 4 + 2 taps, of which 4 carry weight.
        Assert.Equal(4, Resize.Contributions(5, 10, 2).Taps);
    }

    [Theory]
    [InlineData(2.0, false)] [InlineData(3.0, true)] [InlineData(0.5, false)]
    public void Vectorised_passes_are_bit_identical_to_the_scalar_definition(double scale, bool quantize)
    {
        var rng = new Random(7);
        var img = new Image(67, 41, 2);
        for (int i = 0; i < img.Data.Length; i++) img.Data[i] = (float)(rng.NextDouble() * 255);
        var result = Resize.Bicubic(img, scale, quantize);

        // imresize's definition, one sample at a time: rows first (equal scales), double sums in tap order.
        var rows = Resize.Contributions(img.Height, result.Height, scale);
        var cols = Resize.Contributions(img.Width, result.Width, scale);
        float Store(double v) => quantize ? Image.QuantizeSample(v, 255) : (float)v;
        for (int c = 0; c < img.Channels; c++)
        {
            var mid = new float[result.Height * img.Width];
            for (int y = 0; y < result.Height; y++)
                for (int x = 0; x < img.Width; x++)
                {
                    double acc = 0;
                    for (int k = 0; k < rows.Taps; k++) acc += rows.Weight[y * rows.Taps + k] * img[c, rows.Index[y * rows.Taps + k], x];
                    mid[y * img.Width + x] = Store(acc);
                }
            for (int y = 0; y < result.Height; y++)
                for (int x = 0; x < result.Width; x++)
                {
                    double acc = 0;
                    for (int k = 0; k < cols.Taps; k++) acc += cols.Weight[x * cols.Taps + k] * mid[y * img.Width + cols.Index[x * cols.Taps + k]];
                    Assert.Equal(Store(acc), result[c, y, x]);
                }
        }
    }
}
