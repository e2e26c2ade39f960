using SuperRes.Tensors.Verification;
using Xunit.Abstractions;

namespace SuperRes.Tensors.Tests;

/// <summary>batch_norm2d: Cpu gradients against float64 finite differences in both modes, running statistics, errors.</summary>
[Collection("devices")]
public sealed class BatchNormGradientTests(ITestOutputHelper output)
{
    private const float Momentum = 0.3f;

    [Theory]
    [InlineData(true, 1e-5f)]
    [InlineData(true, 0.1f)]
    [InlineData(false, 1e-5f)]
    [InlineData(false, 0.1f)]
    public void GradientsMatchFloat64FiniteDifferences(bool training, float eps)
    {
        var rng = new Random(41);
        int n = 3, c = 2, h = 3, w = 4;
        var inputs = Inputs(rng, n, c, h, w);
        var g = RandomData.Uniform(rng, n * c * h * w);
        var runningMean = inputs[3].Data;
        var runningVar = inputs[4].Data;
        Float64GradCheck.Verify(inputs,
            xs => Reference(xs[0], xs[1], xs[2], training ? null : (runningMean, runningVar), n, c, h * w, eps),
            t => Ops.BatchNorm2d(t[0], t[1], t[2], t[3], t[4], training, Momentum, eps), g);
    }

    [Fact]
    public void TrainingUpdatesRunningStatisticsWithTheUnbiasedVarianceOnEveryDevice()
    {
        int n = 2, c = 3, h = 4, w = 5, hw = h * w, count = n * hw;
        var inputs = Inputs(new Random(42), n, c, h, w);
        var x = inputs[0].Data;
        var expectedMean = new double[c];
        var expectedVar = new double[c];
        for (int ch = 0; ch < c; ch++)
        {
            var values = Enumerable.Range(0, count).Select(k => (double)x[((k / hw) * c + ch) * hw + k % hw]).ToArray();
            double mean = values.Average();
            double unbiased = values.Sum(v => (v - mean) * (v - mean)) / (count - 1);
            expectedMean[ch] = (1 - Momentum) * inputs[3].Data[ch] + Momentum * mean;
            expectedVar[ch] = (1 - Momentum) * inputs[4].Data[ch] + Momentum * unbiased;
        }
        foreach (var device in Devices())
        {
            using var ctx = new CheckContext(device);
            var t = Upload(ctx, inputs);
            using (Autograd.Tape.NoGrad())
                ctx.Own(Ops.BatchNorm2d(t[0], t[1], t[2], t[3], t[4], training: true, Momentum, 1e-5f));
            AssertClose(expectedMean, t[3].ToArray());
            AssertClose(expectedVar, t[4].ToArray());
        }
    }

    [Fact]
    public void EvaluationLeavesRunningStatisticsAlone()
    {
        var inputs = Inputs(new Random(43), 2, 3, 2, 2);
        using var ctx = new CheckContext(TestDevices.Cpu);
        var t = Upload(ctx, inputs, withGradients: true);
        var y = ctx.Own(Ops.BatchNorm2d(t[0], t[1], t[2], t[3], t[4], training: false, Momentum, 1e-5f));
        Autograd.Tape.Backward(y, Tensor.FromArray(ctx.Device, y.Shape, RandomData.Uniform(new Random(46), y.Length)));
        Assert.Equal(inputs[3].Data, t[3].ToArray());
        Assert.Equal(inputs[4].Data, t[4].ToArray());
    }

    [Fact]
    public void TrainingWithOneValuePerChannelIsRefusedAsInPyTorch()
    {
        var inputs = Inputs(new Random(44), 1, 3, 1, 1);
        using var ctx = new CheckContext(TestDevices.Cpu);
        var t = Upload(ctx, inputs);
        var error = Assert.Throws<ArgumentException>(() => Ops.BatchNorm2d(t[0], t[1], t[2], t[3], t[4], training: true, Momentum, 1e-5f));
        Assert.Contains("more than 1 value per channel", error.Message);
        Assert.Equal(inputs[3].Data, t[3].ToArray());
        // Evaluation needs no batch statistics, so one value per channel is fine there.
        ctx.Own(Ops.BatchNorm2d(t[0], t[1], t[2], t[3], t[4], training: false, Momentum, 1e-5f));
    }

    [Fact]
    public void ParametersOfTheWrongSizeAreRefusedNamingBothShapes()
    {
        using var ctx = new CheckContext(TestDevices.Cpu);
        var t = Upload(ctx, Inputs(new Random(45), 2, 3, 2, 2));
        using var wrong = Tensor.FromArray(ctx.Device, [4], [1f, 1f, 1f, 1f]);
        var message = Assert.Throws<ArgumentException>(() => Ops.BatchNorm2d(t[0], wrong, t[2], t[3], t[4], true, Momentum, 1e-5f)).Message;
        Assert.Contains("[2×3×2×2]", message);
        Assert.Contains("[4]", message);
    }

    /// <summary>x, weight, bias (with gradients), running mean and running variance (buffers).</summary>
    private static List<GradientCase.Input> Inputs(Random rng, int n, int c, int h, int w) =>
    [
        new([n, c, h, w], RandomData.Uniform(rng, n * c * h * w, -2f, 3f)),
        new([c], RandomData.Uniform(rng, c, 0.5f, 1.5f)),
        new([c], RandomData.Uniform(rng, c)),
        new([c], RandomData.Uniform(rng, c), false),
        new([c], RandomData.Uniform(rng, c, 0.5f, 2f), false),
    ];

    /// <summary>The inputs as tensors on the context's device, owned by it; with gradients where an input is differentiable.</summary>
    private static Tensor[] Upload(CheckContext ctx, List<GradientCase.Input> inputs, bool withGradients = false) =>
        inputs.Select(i => ctx.Own(Tensor.FromArray(ctx.Device, i.Shape, i.Data, requiresGrad: withGradients && i.Differentiable))).ToArray();

    /// <summary>Batch norm in float64; <paramref name="running"/> null means training (batch statistics, biased variance).</summary>
    private static double[] Reference(double[] x, double[] weight, double[] bias, (float[] Mean, float[] Var)? running, int n, int c, int hw, double eps)
    {
        var y = new double[x.Length];
        for (int ch = 0; ch < c; ch++)
        {
            var indices = Enumerable.Range(0, n).SelectMany(b => Enumerable.Range((b * c + ch) * hw, hw)).ToArray();
            double mean, var;
            if (running is { } r)
            {
                mean = r.Mean[ch];
                var = r.Var[ch];
            }
            else
            {
                mean = indices.Average(i => x[i]);
                var = indices.Average(i => (x[i] - mean) * (x[i] - mean));
            }
            foreach (int i in indices)
                y[i] = (x[i] - mean) / Math.Sqrt(var + eps) * weight[ch] + bias[ch];
        }
        return y;
    }

    private IEnumerable<Device> Devices()
    {
        yield return TestDevices.Cpu;
        if (TestDevices.OpenCl(output) is { } gpu)
            yield return gpu;
    }

    private static void AssertClose(double[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"element {i}: {actual[i]} vs {expected[i]}");
    }
}
