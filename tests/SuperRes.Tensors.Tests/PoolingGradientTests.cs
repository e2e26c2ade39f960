using SuperRes.Tensors.Verification;
using Xunit.Abstractions;

namespace SuperRes.Tensors.Tests;

/// <summary>global_avg_pool and channel_mean_std: Cpu gradients against float64 finite differences, and the std = 0 rule.</summary>
[Collection("devices")]
public sealed class PoolingGradientTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(2, 3, 5, 7)]
    [InlineData(1, 2, 20, 17)] // planes wider than one work-group
    [InlineData(3, 2, 1, 1)]
    public void GlobalAvgPoolGradientMatchesFloat64FiniteDifferences(int n, int c, int h, int w)
    {
        var rng = new Random(21);
        int[] shape = [n, c, h, w];
        var x = RandomData.Uniform(rng, n * c * h * w);
        var g = RandomData.Uniform(rng, n * c);
        Float64GradCheck.Verify([new(shape, x)], xs => PlaneMeans(xs[0], n * c, h * w), t => Ops.GlobalAvgPool(t[0]), g);
    }

    [Theory]
    [InlineData("mean")]
    [InlineData("std")]
    [InlineData("mean·std")]
    public void ChannelMeanStdGradientsMatchFloat64FiniteDifferences(string loss)
    {
        var rng = new Random(22);
        int[] shape = [2, 3, 6, 5];
        int planes = 6, hw = 30;
        var x = RandomData.Uniform(rng, planes * hw, 1f, 3f);
        var g = RandomData.Uniform(rng, planes);
        Float64GradCheck.Verify([new(shape, x)],
            xs =>
            {
                var means = PlaneMeans(xs[0], planes, hw);
                var stds = PlaneStds(xs[0], planes, hw);
                return loss switch
                {
                    "mean" => means,
                    "std" => stds,
                    _ => means.Zip(stds, (m, s) => m * s).ToArray(),
                };
            },
            t =>
            {
                var (mean, std) = Ops.ChannelMeanStd(t[0]);
                if (loss == "mean·std")
                {
                    using (mean)
                    using (std)
                        return Ops.ChannelMultiply(mean, std);
                }
                var (kept, unused) = loss == "mean" ? (mean, std) : (std, mean);
                unused.Dispose();
                return kept;
            }, g);
    }

    [Fact]
    public void StdOfConstantPlanesIsZeroWithZeroGradientOnEveryDevice()
    {
        // Plane 0 is constant (0.75 sums exactly, so its std is exactly 0); plane 1 varies; shape [1, 2, 4, 4].
        var x = new float[32];
        Array.Fill(x, 0.75f, 0, 16);
        var rng = new Random(23);
        for (int i = 16; i < 32; i++)
            x[i] = rng.NextSingle();
        foreach (var device in Devices())
        {
            var (std, gx) = StdAndGradient(device, [1, 2, 4, 4], x, [1f, 1f]);
            Assert.Equal(0f, std[0]);
            Assert.True(std[1] > 0);
            Assert.All(gx[..16], v => Assert.Equal(0f, v));
            Assert.Contains(gx[16..], v => v != 0);
            Assert.DoesNotContain(gx, float.IsNaN);
        }
    }

    [Fact]
    public void StdOfOnePixelImagesIsZeroWithZeroGradientOnEveryDevice()
    {
        foreach (var device in Devices())
        {
            var (std, gx) = StdAndGradient(device, [2, 3, 1, 1], [0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 0.6f], [1f, -1f, 2f, -2f, 3f, -3f]);
            Assert.All(std, v => Assert.Equal(0f, v));
            Assert.All(gx, v => Assert.Equal(0f, v));
        }
    }

    [Fact]
    public void ShapeErrorsNameTheShapes()
    {
        using var x = Tensor.FromArray(TestDevices.Cpu, [2, 3], new float[6]);
        Assert.Contains("[2×3]", Assert.Throws<ArgumentException>(() => Ops.GlobalAvgPool(x)).Message);
        Assert.Contains("[2×3]", Assert.Throws<ArgumentException>(() => Ops.ChannelMeanStd(x)).Message);
    }

    private IEnumerable<Device> Devices()
    {
        yield return TestDevices.Cpu;
        if (TestDevices.OpenCl(output) is { } gpu)
            yield return gpu;
    }

    private static (float[] Std, float[] Gx) StdAndGradient(Device device, int[] shape, float[] x, float[] upstream)
    {
        using var ctx = new CheckContext(device);
        var results = GradientCase.Run(ctx, [new(shape, x)], t =>
        {
            var (mean, s) = Ops.ChannelMeanStd(t[0]);
            mean.Dispose();
            return s;
        }, upstream);
        return (results[0], results[1]);
    }

    internal static double[] PlaneMeans(double[] x, int planes, int hw)
    {
        var means = new double[planes];
        for (int p = 0; p < planes; p++)
        {
            for (int j = 0; j < hw; j++)
                means[p] += x[p * hw + j];
            means[p] /= hw;
        }
        return means;
    }

    private static double[] PlaneStds(double[] x, int planes, int hw)
    {
        var means = PlaneMeans(x, planes, hw);
        var stds = new double[planes];
        for (int p = 0; p < planes; p++)
        {
            for (int j = 0; j < hw; j++)
                stds[p] += (x[p * hw + j] - means[p]) * (x[p * hw + j] - means[p]);
            stds[p] = Math.Sqrt(stds[p] / hw);
        }
        return stds;
    }
}
