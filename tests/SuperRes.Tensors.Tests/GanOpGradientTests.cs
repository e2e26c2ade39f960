using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Tests;

/// <summary>
/// The ops SRGAN's discriminator and VGG feature loss add (linear, flatten, bce_with_logits, max_pool2d,
/// adaptive_avg_pool2d): Cpu gradients against float64 finite differences of independent float64 definitions.
/// </summary>
public sealed class GanOpGradientTests
{
    [Theory]
    [InlineData(3, 7, 5, true)]
    [InlineData(1, 33, 17, false)] // more than two 16-wide tiles of inputs
    [InlineData(4, 1, 1, true)]
    public void LinearMatchesFloat64FiniteDifferences(int batch, int inFeatures, int outFeatures, bool bias)
    {
        var rng = new Random(61);
        List<GradientCase.Input> inputs =
        [
            new([batch, inFeatures], RandomData.Uniform(rng, batch * inFeatures)),
            new([outFeatures, inFeatures], RandomData.Uniform(rng, outFeatures * inFeatures)),
        ];
        if (bias)
            inputs.Add(new([outFeatures], RandomData.Uniform(rng, outFeatures)));
        Float64GradCheck.Verify(inputs, xs =>
            {
                var y = new double[batch * outFeatures];
                for (int b = 0; b < batch; b++)
                    for (int o = 0; o < outFeatures; o++)
                    {
                        double sum = bias ? xs[2][o] : 0;
                        for (int i = 0; i < inFeatures; i++)
                            sum += xs[0][b * inFeatures + i] * xs[1][o * inFeatures + i];
                        y[b * outFeatures + o] = sum;
                    }
                return y;
            },
            t => Ops.Linear(t[0], t[1], bias ? t[2] : null), RandomData.Uniform(rng, batch * outFeatures));
    }

    [Fact]
    public void FlattenMatchesFloat64FiniteDifferences()
    {
        var rng = new Random(62);
        var x = RandomData.Uniform(rng, 2 * 3 * 4 * 5);
        Float64GradCheck.Verify([new([2, 3, 4, 5], x)], xs => xs[0], t => Ops.Flatten(t[0]), RandomData.Uniform(rng, x.Length));
    }

    [Theory]
    [InlineData(4f, false)]
    [InlineData(30f, false)] // e^|x| far past float's range: the stable form must still be right
    [InlineData(4f, true)]
    public void BceWithLogitsMatchesFloat64FiniteDifferencesForLogitsAndTarget(float magnitude, bool labels)
    {
        var rng = new Random(63);
        const int n = 37;
        var x = RandomData.Uniform(rng, n, -magnitude, magnitude);
        var t = RandomData.Uniform(rng, n, 0, 1);
        if (labels)
            t = t.Select(v => v < 0.5f ? 0f : 1f).ToArray();
        Float64GradCheck.Verify([new([n], x), new([n], t)],
            xs => [xs[0].Zip(xs[1], (a, b) => Math.Max(a, 0) - a * b + Math.Log(1 + Math.Exp(-Math.Abs(a)))).Average()],
            v => Ops.BceWithLogitsLoss(v[0], v[1]), [0.8f]);
    }

    [Fact]
    public void BceWithLogitsOfHugeLogitsIsFiniteAndExact()
    {
        using var x = Tensor.FromArray(TestDevices.Cpu, [4], [100f, -100f, 100f, -100f]);
        using var t = Tensor.FromArray(TestDevices.Cpu, [4], [1f, 0f, 0f, 1f]);
        using var loss = Ops.BceWithLogitsLoss(x, t);
        Assert.Equal(50f, loss.ToArray()[0], 4); // (0 + 0 + 100 + 100) / 4, plus e^−100 terms
    }

    [Theory]
    [InlineData(2, 3, 7, 9, 2, 2)] // odd sides: floor mode drops the last row and column
    [InlineData(1, 2, 7, 6, 3, 2)] // overlapping windows
    public void MaxPool2dMatchesFloat64FiniteDifferences(int n, int c, int h, int w, int k, int s)
    {
        var rng = new Random(64);
        int[] shape = [n, c, h, w];
        // Distinct values at least 0.01 apart, so the step of the finite differences never changes a window's maximum.
        var x = Enumerable.Range(0, n * c * h * w).Select(i => 0.01f * i).OrderBy(_ => rng.Next()).ToArray();
        int ho = (h - k) / s + 1, wo = (w - k) / s + 1;
        Float64GradCheck.Verify([new(shape, x)], xs =>
            {
                var y = new double[n * c * ho * wo];
                for (int p = 0; p < n * c; p++)
                    for (int i = 0; i < ho; i++)
                        for (int j = 0; j < wo; j++)
                        {
                            double m = double.NegativeInfinity;
                            for (int dy = 0; dy < k; dy++)
                                for (int dx = 0; dx < k; dx++)
                                    m = Math.Max(m, xs[0][p * h * w + (i * s + dy) * w + j * s + dx]);
                            y[(p * ho + i) * wo + j] = m;
                        }
                return y;
            },
            t => Ops.MaxPool2d(t[0], k, s), RandomData.Uniform(rng, n * c * ho * wo), step: 1e-4);
    }

    [Theory]
    [InlineData(2, 3, 12, 12, 6, 6)] // divides: plain 2×2 means
    [InlineData(1, 2, 8, 7, 6, 6)] // overlapping bins
    [InlineData(1, 2, 4, 5, 6, 6)] // smaller than the output: values repeat
    [InlineData(2, 1, 5, 7, 1, 1)] // global pooling
    public void AdaptiveAvgPool2dMatchesFloat64FiniteDifferences(int n, int c, int h, int w, int ho, int wo)
    {
        var rng = new Random(65);
        var x = RandomData.Uniform(rng, n * c * h * w);
        Float64GradCheck.Verify([new([n, c, h, w], x)], xs =>
            {
                var y = new double[n * c * ho * wo];
                for (int p = 0; p < n * c; p++)
                    for (int i = 0; i < ho; i++)
                        for (int j = 0; j < wo; j++)
                        {
                            // PyTorch's bins: [floor(i·h/ho), ceil((i+1)·h/ho))
                            int r0 = (int)Math.Floor((double)i * h / ho), r1 = (int)Math.Ceiling((double)(i + 1) * h / ho);
                            int c0 = (int)Math.Floor((double)j * w / wo), c1 = (int)Math.Ceiling((double)(j + 1) * w / wo);
                            double sum = 0;
                            for (int r = r0; r < r1; r++)
                                for (int col = c0; col < c1; col++)
                                    sum += xs[0][p * h * w + r * w + col];
                            y[(p * ho + i) * wo + j] = sum / ((r1 - r0) * (c1 - c0));
                        }
                return y;
            },
            t => Ops.AdaptiveAvgPool2d(t[0], ho, wo), RandomData.Uniform(rng, n * c * ho * wo));
    }

    [Fact]
    public void ShapeErrorsNameTheShapes()
    {
        using var x = Tensor.FromArray(TestDevices.Cpu, [2, 3], new float[6]);
        using var w = Tensor.FromArray(TestDevices.Cpu, [4, 5], new float[20]);
        Assert.Contains("[4×5]", Assert.Throws<ArgumentException>(() => Ops.Linear(x, w)).Message);
        Assert.Contains("[2×3]", Assert.Throws<ArgumentException>(() => Ops.MaxPool2d(x)).Message);
        Assert.Contains("[2×3]", Assert.Throws<ArgumentException>(() => Ops.AdaptiveAvgPool2d(x, 6, 6)).Message);
        Assert.Contains("[4×5]", Assert.Throws<ArgumentException>(() => Ops.BceWithLogitsLoss(x, w)).Message);
        using var image = Tensor.FromArray(TestDevices.Cpu, [1, 1, 1, 3], new float[3]);
        Assert.Contains("1×3", Assert.Throws<ArgumentException>(() => Ops.MaxPool2d(image)).Message);
    }
}
