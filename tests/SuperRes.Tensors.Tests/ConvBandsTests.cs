using SuperRes.Tensors.Primitives;
using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Tests;

/// <summary>
/// The Cpu convolutions split each image into bands of rows (<see cref="ConvBands"/>); the gradient checks use
/// shapes small enough for one band. These shapes give several bands, so band edges, the even/odd order of the
/// scattering products and the partial sums of the weight gradients are checked against float64 loops of the
/// definitions (forward, input gradient and weight gradient in one loop nest).
/// </summary>
public sealed class ConvBandsTests
{
    private const double Tolerance = 2e-5;

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

        var (y, gx, gw) = Conv2dDefinition(shape, x, weight, bias, upstream);
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
    public void ConvTranspose2dOverSeveralBandsMatchesTheDefinition(int n, int cin, int h, int w, int cout, int k, int stride, int padding, int outputPadding)
    {
        var g = new ConvTranspose2dGeometry(n, cin, h, w, cout, k, stride, padding, outputPadding);
        AssertSeveralBands(new Patches(cout, g.Ho, g.Wo, h, w, k, stride, padding, Clamp: false));
        var rng = new Random(h * 17 + w);
        var x = RandomData.Uniform(rng, n * cin * h * w);
        var weight = RandomData.Uniform(rng, cin * cout * k * k);
        var upstream = RandomData.Uniform(rng, (int)g.OutputLength);

        var (y, gx, gw) = ConvTranspose2dDefinition(g, x, weight, upstream);
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

    private static (double[] Y, double[] Gx, double[] Gw) Conv2dDefinition(Conv2dShape s, float[] x, float[] w, float[] bias, float[] gy)
    {
        var y = new double[s.OutputLength];
        var gx = new double[x.Length];
        var gw = new double[w.Length];
        for (int b = 0; b < s.N; b++)
            for (int co = 0; co < s.Cout; co++)
                for (int oy = 0; oy < s.OutH; oy++)
                    for (int ox = 0; ox < s.OutW; ox++)
                    {
                        int yi = ((b * s.Cout + co) * s.OutH + oy) * s.OutW + ox;
                        double sum = bias[co];
                        for (int ci = 0; ci < s.Cin; ci++)
                            for (int ky = 0; ky < s.K; ky++)
                                for (int kx = 0; kx < s.K; kx++)
                                {
                                    int iy = oy * s.Stride - s.Pad + ky, ix = ox * s.Stride - s.Pad + kx;
                                    if (s.Padding == PaddingMode.Replicate)
                                        (iy, ix) = (Math.Clamp(iy, 0, s.H - 1), Math.Clamp(ix, 0, s.W - 1));
                                    else if (iy < 0 || iy >= s.H || ix < 0 || ix >= s.W)
                                        continue;
                                    int xi = ((b * s.Cin + ci) * s.H + iy) * s.W + ix, wi = ((co * s.Cin + ci) * s.K + ky) * s.K + kx;
                                    sum += (double)x[xi] * w[wi];
                                    gx[xi] += (double)gy[yi] * w[wi];
                                    gw[wi] += (double)gy[yi] * x[xi];
                                }
                        y[yi] = sum;
                    }
        return (y, gx, gw);
    }

    private static (double[] Y, double[] Gx, double[] Gw) ConvTranspose2dDefinition(ConvTranspose2dGeometry g, float[] x, float[] w, float[] gy)
    {
        var y = new double[g.OutputLength];
        var gx = new double[x.Length];
        var gw = new double[w.Length];
        for (int b = 0; b < g.N; b++)
            for (int ci = 0; ci < g.Cin; ci++)
                for (int iy = 0; iy < g.H; iy++)
                    for (int ix = 0; ix < g.W; ix++)
                    {
                        int xi = ((b * g.Cin + ci) * g.H + iy) * g.W + ix;
                        for (int co = 0; co < g.Cout; co++)
                            for (int ky = 0; ky < g.K; ky++)
                                for (int kx = 0; kx < g.K; kx++)
                                {
                                    int oy = iy * g.Stride - g.Padding + ky, ox = ix * g.Stride - g.Padding + kx;
                                    if (oy < 0 || oy >= g.Ho || ox < 0 || ox >= g.Wo)
                                        continue;
                                    int yi = ((b * g.Cout + co) * g.Ho + oy) * g.Wo + ox, wi = ((ci * g.Cout + co) * g.K + ky) * g.K + kx;
                                    y[yi] += (double)x[xi] * w[wi];
                                    gx[xi] += (double)gy[yi] * w[wi];
                                    gw[wi] += (double)gy[yi] * x[xi];
                                }
                    }
        return (y, gx, gw);
    }

    private static void AssertClose(string what, double[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs(expected[i] - actual[i]));
            maxRef = Math.Max(maxRef, Math.Abs(expected[i]));
        }
        Assert.True(maxRef > 0, $"{what}: all-zero reference");
        Assert.True(maxDiff / maxRef <= Tolerance, $"{what}: relative error {maxDiff / maxRef:G3} > {Tolerance:G3}");
    }
}
