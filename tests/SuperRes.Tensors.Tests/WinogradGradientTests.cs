using SuperRes.Tensors.Primitives;
using SuperRes.Tensors.Verification;
using Xunit.Abstractions;

namespace SuperRes.Tensors.Tests;

/// <summary>
/// The Winograd F(4×4, 3×3) weight gradient (<see cref="Conv2dWinogradWeightGrad"/>) against the float64 definition, on
/// EDSR's magnitudes (activations in [0, 255], output gradients in [−1, 1]), planes that are and are not multiples of
/// the 4×4 tile, both paddings, batches, and every vector width. The bound is on the largest error relative to the
/// largest gradient element; the measured values are in docs/performance.md.
/// </summary>
public sealed class WinogradGradientTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData(2, 16, 37, 41, 20, PaddingMode.Zeros)]
    [InlineData(2, 16, 37, 41, 20, PaddingMode.Replicate)]
    [InlineData(1, 64, 24, 20, 64, PaddingMode.Zeros)] // whole tiles
    [InlineData(3, 5, 1, 7, 3, PaddingMode.Replicate)] // a plane one row high
    [InlineData(1, 3, 2, 2, 64, PaddingMode.Zeros)]
    [InlineData(1, 12, 13, 9, 12, PaddingMode.Replicate)]
    [InlineData(2, 64, 48, 48, 64, PaddingMode.Zeros)] // EDSR-baseline's body at its training patch size
    public void WeightGradMatchesTheDefinitionAtEveryWidth(int n, int cin, int h, int w, int cout, PaddingMode padding)
    {
        var s = new Conv2dShape(n, cin, h, w, cout, 3, 1, padding);
        var (x, weight, gy) = Data(s, seed: h * 131 + w);
        var (_, _, expected) = ConvolutionDefinitions.ForwardAndGradients(ConvolutionDefinitions.Taps(s), x, weight, gy);
        float[]? first = null;
        var widths = n * h * w > 100_000 ? [WinogradLanes.Widest] : new[] { WinogradLanes.Scalar, WinogradLanes.Vector256, WinogradLanes.Vector512, WinogradLanes.Widest };
        foreach (var lanes in widths)
        {
            var gw = new float[s.WeightLength];
            Conv2dWinogradWeightGrad.WeightGrad(s, x, gy, gw, lanes);
            output.WriteLine($"{s} {lanes}: relative error {Error(expected, gw):G3}");
            RelativeError.AssertWithin($"{lanes}", expected, gw, Tolerance);
            first ??= gw;
            Assert.True(first.AsSpan().SequenceEqual(gw), $"{lanes}: different bits from the scalar path");
        }
    }

    [Fact]
    public async Task TheBitsRepeatWhileOtherWorkCompetesForTheCores()
    {
        var s = new Conv2dShape(3, 48, 29, 23, 48, 3, 1, PaddingMode.Replicate);
        var (x, weight, gy) = Data(s, seed: 11);
        float[] Run()
        {
            var gw = new float[s.WeightLength];
            Conv2dWinogradWeightGrad.WeightGrad(s, x, gy, gw);
            return gw;
        }
        var alone = Run();
        // Concurrent runs change which thread takes which block and when: the partial sums must not notice.
        var together = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(Run)));
        foreach (var bits in together)
            Assert.True(alone.AsSpan().SequenceEqual(bits), "the bits depend on the scheduling");
    }

    [Fact]
    public void Conv2dTakesTheWinogradWeightGradient()
    {
        var s = new Conv2dShape(2, 48, 13, 10, 48, 3, 1, PaddingMode.Replicate);
        Assert.True(Conv2dWinogradWeightGrad.IsFaster(s));
        var (x, weight, gy) = Data(s, seed: 3);
        var (_, gx, gw) = ConvolutionDefinitions.ForwardAndGradients(ConvolutionDefinitions.Taps(s), x, weight, gy);
        using var ctx = new CheckContext(TestDevices.Cpu);
        var ours = GradientCase.Run(ctx, [new GradientCase.Input([s.N, s.Cin, s.H, s.W], x), new GradientCase.Input([s.Cout, s.Cin, 3, 3], weight)],
            t => Ops.Conv2d(t[0], t[1], null, padding: PaddingMode.Replicate), gy);
        RelativeError.AssertWithin("input gradient", gx, ours[1], Tolerance);
        RelativeError.AssertWithin("weight gradient", gw, ours[2], Tolerance);
    }

    private static (float[] X, float[] Weight, float[] Gy) Data(Conv2dShape s, int seed)
    {
        var rng = new Random(seed);
        float scale = MathF.Sqrt(6f / (9 * s.Cin)); // He-uniform, as the zoo initialises
        return (RandomData.Uniform(rng, s.InputLength, 0f, 255f), RandomData.Uniform(rng, s.WeightLength, -scale, scale),
            RandomData.Uniform(rng, s.OutputLength, -1f, 1f));
    }

    private static double Error(double[] expected, float[] actual)
    {
        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs(expected[i] - actual[i]));
            maxRef = Math.Max(maxRef, Math.Abs(expected[i]));
        }
        return maxDiff / maxRef;
    }
}
