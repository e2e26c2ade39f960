using SuperRes.Tensors.Primitives;
using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Tests;

/// <summary>
/// The Cpu convolutions split each image into bands of rows (<see cref="ConvBands"/>); the gradient checks use
/// shapes small enough for one band. These shapes give several bands, so band edges, the even/odd order of the
/// scattering products and the partial sums of the weight gradients are checked against float64 loops of the
/// definitions (forward, input gradient and weight gradient from the taps of <see cref="ConvolutionDefinitions"/>).
/// </summary>
public sealed class ConvBandsTests
{
    private const double Tolerance = 2e-5;

    [Theory]
    [InlineData(4, 3)] // SRResNet's 9×9 head on a 4×3 input: shifts wider than the plane
    [InlineData(1, 2)]
    public void AKernelWiderThanThePlaneMatchesTheDefinition(int h, int w)
    {
        var shape = new Conv2dShape(2, 3, h, w, 5, 9, 1, PaddingMode.Zeros);
        var rng = new Random(h * 31 + w);
        var x = RandomData.Uniform(rng, shape.InputLength);
        var weight = RandomData.Uniform(rng, shape.WeightLength);
        var upstream = RandomData.Uniform(rng, shape.OutputLength);
        var (y, gx, gw) = ConvolutionDefinitions.ForwardAndGradients(ConvolutionDefinitions.Taps(shape), x, weight, upstream);
        var ours = Run([x, weight], [[2, 3, h, w], [5, 3, 9, 9]], upstream, t => Ops.Conv2d(t[0], t[1], null));
        AssertClose("forward", y, ours[0]);
        AssertClose("input gradient", gx, ours[1]);
        AssertClose("weight gradient", gw, ours[2]);
    }

    [Theory]
    [InlineData(2, 16, 37, 41, 6, 3, 1, PaddingMode.Zeros)]
    [InlineData(2, 16, 37, 41, 6, 3, 1, PaddingMode.Replicate)]
    [InlineData(1, 40, 45, 33, 4, 3, 2, PaddingMode.Replicate)]
    [InlineData(1, 24, 45, 33, 4, 5, 2, PaddingMode.Zeros)]
    [InlineData(1, 64, 40, 70, 3, 1, 1, PaddingMode.Zeros)] // 1×1: the patch matrix is the input itself
    public void Conv2dOverSeveralBandsMatchesTheDefinition(int n, int cin, int h, int w, int cout, int k, int stride, PaddingMode padding)
    {
        var shape = new Conv2dShape(n, cin, h, w, cout, k, stride, padding);
        AssertSeveralBands(new Patches(cin, h, w, shape.OutH, shape.OutW, k, stride, k / 2, padding == PaddingMode.Replicate));
        var rng = new Random(h * 31 + w);
        var x = RandomData.Uniform(rng, n * cin * h * w);
        var weight = RandomData.Uniform(rng, cout * cin * k * k);
        var bias = RandomData.Uniform(rng, cout);
        var upstream = RandomData.Uniform(rng, (int)shape.OutputLength);

        var (y, gx, gw) = ConvolutionDefinitions.ForwardAndGradients(ConvolutionDefinitions.Taps(shape), x, weight, upstream);
        AddBias(y, bias, shape.OutH * shape.OutW);
        var ours = Run([x, weight, bias], [[n, cin, h, w], [cout, cin, k, k], [cout]], upstream,
            t => Ops.Conv2d(t[0], t[1], t[2], stride, padding));
        AssertClose("forward", y, ours[0]);
        AssertClose("input gradient", gx, ours[1]);
        AssertClose("weight gradient", gw, ours[2]);
    }

    [Theory]
    [InlineData(2, 12, 40, 61, 1, 9, 2, 4, 1)] // FSRCNN x2's deconvolution
    [InlineData(1, 6, 23, 17, 4, 9, 3, 4, 2)]
    [InlineData(2, 5, 40, 30, 8, 4, 2, 1, 0)]
    [InlineData(1, 4, 100, 300, 2, 9, 2, 4, 1)] // the forward's gather over 3 × 2 blocks of 96 × 512 output pixels
    [InlineData(1, 3, 70, 200, 2, 5, 3, 1, 2)] // blocks of 144 × 768: 2 × 1, phases of uneven tap counts
    public void ConvTranspose2dOverSeveralBandsMatchesTheDefinition(int n, int cin, int h, int w, int cout, int k, int stride, int padding, int outputPadding)
    {
        var g = new ConvTranspose2dGeometry(n, cin, h, w, cout, k, stride, padding, outputPadding);
        AssertSeveralBands(new Patches(cout, g.Ho, g.Wo, h, w, k, stride, padding, Clamp: false));
        var rng = new Random(h * 17 + w);
        var x = RandomData.Uniform(rng, n * cin * h * w);
        var weight = RandomData.Uniform(rng, cin * cout * k * k);
        var upstream = RandomData.Uniform(rng, (int)g.OutputLength);

        var (y, gx, gw) = ConvolutionDefinitions.ForwardAndGradients(ConvolutionDefinitions.Taps(g), x, weight, upstream);
        var ours = Run([x, weight], [[n, cin, h, w], [cin, cout, k, k]], upstream,
            t => Ops.ConvTranspose2d(t[0], t[1], null, stride, padding, outputPadding));
        AssertClose("forward", y, ours[0]);
        AssertClose("input gradient", gx, ours[1]);
        AssertClose("weight gradient", gw, ours[2]);
    }

    private static void AssertSeveralBands(Patches patches) =>
        Assert.True(new ConvBands(patches, 1).Bands >= 3, $"the case should span several bands, not {new ConvBands(patches, 1).Bands}");

    private static float[][] Run(float[][] data, int[][] shapes, float[] upstream, Func<Tensor[], Tensor> forward)
    {
        using var ctx = new CheckContext(TestDevices.Cpu);
        var inputs = data.Zip(shapes, (d, s) => new GradientCase.Input(s, d)).ToList();
        return GradientCase.Run(ctx, inputs, forward, upstream);
    }

    private static void AddBias(double[] y, float[] bias, int plane)
    {
        for (int i = 0; i < y.Length; i++)
            y[i] += bias[i / plane % bias.Length];
    }

    private static void AssertClose(string what, double[] expected, float[] actual) =>
        RelativeError.AssertWithin(what, expected, actual, Tolerance);
}
