using SuperRes.Tensors.Primitives;
using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Tests;

/// <summary>
/// The Winograd F(4×4, 3×3) conv2d (<see cref="Conv2dWinograd"/>) against the float64 definition, on data at EDSR's
/// magnitudes (activations in [0, 255], weights of a He-initialised layer), on planes that are and are not multiples
/// of the 4×4 tile, both paddings, batches, and every vector width. The bound is on the largest error relative to the
/// largest output: F(4×4, 3×3) in float32 measured at most 3e-6 on these cases (docs/performance.md).
/// </summary>
public sealed class WinogradTests
{
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData(2, 16, 37, 41, 20, PaddingMode.Zeros)]
    [InlineData(2, 16, 37, 41, 20, PaddingMode.Replicate)]
    [InlineData(1, 64, 24, 20, 64, PaddingMode.Zeros)] // whole tiles
    [InlineData(3, 5, 1, 7, 3, PaddingMode.Replicate)] // a plane one row high
    [InlineData(1, 3, 2, 2, 64, PaddingMode.Zeros)]
    [InlineData(1, 12, 13, 9, 12, PaddingMode.Replicate)]
    public void ForwardMatchesTheDefinitionAtEveryWidth(int n, int cin, int h, int w, int cout, PaddingMode padding)
    {
        var s = new Conv2dShape(n, cin, h, w, cout, 3, 1, padding);
        var (x, weight, bias) = Data(s, seed: h * 131 + w);
        var expected = Definition(s, x, weight, bias);
        float[]? first = null;
        foreach (var lanes in new[] { WinogradLanes.Scalar, WinogradLanes.Vector256, WinogradLanes.Vector512, WinogradLanes.Widest })
        {
            var y = new float[s.OutputLength];
            Conv2dWinograd.Forward(s, x, weight, bias, y, cacheWeights: false, lanes);
            AssertClose($"{lanes}", expected, y);
            first ??= y;
            Assert.True(first.AsSpan().SequenceEqual(y), $"{lanes}: different bits from the scalar path");
        }
    }

    [Fact]
    public async Task OneWorkerGivesTheSameBitsAsAllCores()
    {
        var s = new Conv2dShape(2, 48, 29, 23, 48, 3, 1, PaddingMode.Replicate);
        var (x, weight, bias) = Data(s, seed: 11);
        var (parallel, serial) = (new float[s.OutputLength], new float[s.OutputLength]);
        Conv2dWinograd.Forward(s, x, weight, bias, parallel, cacheWeights: false);
        // Parallel.For schedules on the current scheduler: inside this task, one block runs at a time.
        var oneWorker = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, maxConcurrencyLevel: 1).ConcurrentScheduler;
        await Task.Factory.StartNew(() => Conv2dWinograd.Forward(s, x, weight, bias, serial, cacheWeights: false),
            CancellationToken.None, TaskCreationOptions.None, oneWorker);
        Assert.True(parallel.AsSpan().SequenceEqual(serial), "the bits depend on how many blocks run at once");
    }

    [Fact]
    public void CachedWeightsFollowAnInPlaceUpdate()
    {
        var s = new Conv2dShape(1, 16, 11, 10, 16, 3, 1, PaddingMode.Zeros);
        var (x, weight, bias) = Data(s, seed: 7);
        var y = new float[s.OutputLength];
        Conv2dWinograd.Forward(s, x, weight, bias, y, cacheWeights: true);
        AssertClose("first weights", Definition(s, x, weight, bias), y);
        for (int i = 0; i < weight.Length; i += 5)
            weight[i] = -weight[i]; // as an optimizer step writes into the same array
        Conv2dWinograd.Forward(s, x, weight, bias, y, cacheWeights: true);
        AssertClose("updated weights", Definition(s, x, weight, bias), y);
    }

    [Fact]
    public void Conv2dTakesTheWinogradPathAndItsInputGradientMatches()
    {
        var s = new Conv2dShape(2, 48, 13, 10, 48, 3, 1, PaddingMode.Zeros);
        Assert.True(Conv2dWinograd.IsFaster(s));
        var (x, weight, _) = Data(s, seed: 3);
        var upstream = RandomData.Uniform(new Random(4), s.OutputLength);
        var (y, gx, _) = ConvolutionDefinitions.ForwardAndGradients(ConvolutionDefinitions.Taps(s), x, weight, upstream);
        using var ctx = new CheckContext(TestDevices.Cpu);
        var ours = GradientCase.Run(ctx, [new GradientCase.Input([s.N, s.Cin, s.H, s.W], x), new GradientCase.Input([s.Cout, s.Cin, 3, 3], weight)],
            t => Ops.Conv2d(t[0], t[1], null), upstream);
        AssertClose("forward", y, ours[0]);
        AssertClose("input gradient", gx, ours[1]);
    }

    /// <summary>Input in [0, 255], He-uniform weights and a bias in [−1, 1]: EDSR's magnitudes.</summary>
    internal static (float[] X, float[] Weight, float[] Bias) Data(Conv2dShape s, int seed)
    {
        var rng = new Random(seed);
        float scale = MathF.Sqrt(6f / (9 * s.Cin)); // He-uniform, as the zoo initialises
        return (RandomData.Uniform(rng, s.InputLength, 0f, 255f), RandomData.Uniform(rng, s.WeightLength, -scale, scale),
            RandomData.Uniform(rng, s.Cout, -1f, 1f));
    }

    internal static double[] Definition(Conv2dShape s, float[] x, float[] weight, float[] bias) =>
        ConvolutionDefinitions.Forward(ConvolutionDefinitions.Taps(s), (int)s.OutputLength, s.Cout, s.OutH * s.OutW,
            Array.ConvertAll(x, v => (double)v), Array.ConvertAll(weight, v => (double)v), Array.ConvertAll(bias, v => (double)v));

    private static void AssertClose(string what, double[] expected, float[] actual) =>
        RelativeError.AssertWithin(what, expected, actual, Tolerance);
}
