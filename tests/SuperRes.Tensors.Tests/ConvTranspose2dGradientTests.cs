using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Tests;

public sealed class ConvTranspose2dGradientTests
{
    /// <summary>The definition in float64: every input pixel scatters through the weight onto the output.</summary>
    private static double[] NaiveConvTranspose2d(double[] x, double[] w, double[]? bias, int[] xs, int cout, int k, int s, int p, int op)
    {
        int n = xs[0], cin = xs[1], h = xs[2], wd = xs[3];
        int ho = (h - 1) * s - 2 * p + k + op, wo = (wd - 1) * s - 2 * p + k + op;
        var y = new double[n * cout * ho * wo];
        for (int b = 0; b < n; b++)
            for (int co = 0; co < cout; co++)
            {
                for (int i = 0; i < ho * wo; i++)
                    y[(b * cout + co) * ho * wo + i] = bias?[co] ?? 0;
                for (int ci = 0; ci < cin; ci++)
                    for (int iy = 0; iy < h; iy++)
                        for (int ix = 0; ix < wd; ix++)
                            for (int ky = 0; ky < k; ky++)
                                for (int kx = 0; kx < k; kx++)
                                {
                                    int oy = iy * s - p + ky, ox = ix * s - p + kx;
                                    if (oy >= 0 && oy < ho && ox >= 0 && ox < wo)
                                        y[((b * cout + co) * ho + oy) * wo + ox] +=
                                            x[((b * cin + ci) * h + iy) * wd + ix] * w[((ci * cout + co) * k + ky) * k + kx];
                                }
            }
        return y;
    }

    [Theory]
    [InlineData(new[] { 1, 2, 3, 3 }, 1, 9, 3, 4, 2, true)] // FSRCNN ×3
    [InlineData(new[] { 2, 3, 3, 2 }, 2, 4, 2, 1, 1, true)]
    [InlineData(new[] { 1, 2, 4, 3 }, 3, 3, 1, 2, 0, false)]
    [InlineData(new[] { 2, 2, 2, 3 }, 2, 2, 3, 0, 2, true)] // K < stride: some outputs are bias only
    [InlineData(new[] { 2, 1, 2, 3 }, 2, 5, 4, 3, 3, false)]
    public void CpuGradientsMatchFloat64FiniteDifferences(int[] xShape, int cout, int k, int stride, int padding, int outputPadding, bool bias)
    {
        var rng = new Random(k * 100 + stride * 10 + padding);
        int cin = xShape[1];
        var inputs = new List<GradientCase.Input>
        {
            new(xShape, RandomData.Uniform(rng, xShape.Aggregate(1, (a, d) => a * d))),
            new([cin, cout, k, k], RandomData.Uniform(rng, cin * cout * k * k)),
        };
        if (bias)
            inputs.Add(new([cout], RandomData.Uniform(rng, cout)));
        int ho = (xShape[2] - 1) * stride - 2 * padding + k + outputPadding;
        int wo = (xShape[3] - 1) * stride - 2 * padding + k + outputPadding;
        var upstream = RandomData.Uniform(rng, xShape[0] * cout * ho * wo);

        Float64GradCheck.Verify(
            inputs,
            v => NaiveConvTranspose2d(v[0], v[1], bias ? v[2] : null, xShape, cout, k, stride, padding, outputPadding),
            t => Ops.ConvTranspose2d(t[0], t[1], bias ? t[2] : null, stride, padding, outputPadding),
            upstream);
    }
}
