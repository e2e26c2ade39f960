using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Tests;

public sealed class Conv2dGradientTests
{
    /// <summary>The definition in float64: every output reads the K×K window at (oy·s − K/2, ox·s − K/2).</summary>
    private static double[] NaiveConv2d(double[] x, double[] w, double[]? bias, int[] xs, int cout, int k, int s, bool replicate)
    {
        int n = xs[0], cin = xs[1], h = xs[2], wd = xs[3], p = k / 2;
        int ho = (h + 2 * p - k) / s + 1, wo = (wd + 2 * p - k) / s + 1;
        var y = new double[n * cout * ho * wo];
        for (int b = 0; b < n; b++)
            for (int co = 0; co < cout; co++)
                for (int oy = 0; oy < ho; oy++)
                    for (int ox = 0; ox < wo; ox++)
                    {
                        double sum = bias?[co] ?? 0;
                        for (int ci = 0; ci < cin; ci++)
                            for (int ky = 0; ky < k; ky++)
                                for (int kx = 0; kx < k; kx++)
                                {
                                    int iy = oy * s - p + ky, ix = ox * s - p + kx;
                                    if (replicate)
                                    {
                                        iy = Math.Clamp(iy, 0, h - 1);
                                        ix = Math.Clamp(ix, 0, wd - 1);
                                    }
                                    else if (iy < 0 || iy >= h || ix < 0 || ix >= wd)
                                        continue;
                                    sum += x[((b * cin + ci) * h + iy) * wd + ix] * w[((co * cin + ci) * k + ky) * k + kx];
                                }
                        y[((b * cout + co) * ho + oy) * wo + ox] = sum;
                    }
        return y;
    }

    [Theory]
    [InlineData(new[] { 2, 2, 5, 6 }, 3, 3, 1, false, true)]
    [InlineData(new[] { 2, 2, 5, 6 }, 3, 3, 1, true, true)]
    [InlineData(new[] { 1, 3, 7, 6 }, 2, 3, 2, false, false)]
    [InlineData(new[] { 1, 3, 7, 6 }, 2, 3, 2, true, true)]
    [InlineData(new[] { 2, 2, 4, 3 }, 2, 5, 1, true, false)]  // 5×5 window wider than the image: corners clamp twice over
    [InlineData(new[] { 1, 2, 6, 5 }, 3, 5, 2, true, true)]
    [InlineData(new[] { 1, 2, 6, 5 }, 3, 5, 2, false, true)]
    [InlineData(new[] { 1, 1, 1, 4 }, 2, 3, 2, true, true)]   // one-row image: every row read clamps onto it
    [InlineData(new[] { 1, 3, 4, 5 }, 2, 1, 2, true, true)]
    [InlineData(new[] { 1, 1, 5, 4 }, 1, 9, 1, true, false)]
    [InlineData(new[] { 1, 1, 5, 4 }, 2, 9, 2, false, true)]
    public void CpuGradientsMatchFloat64FiniteDifferences(int[] xShape, int cout, int k, int stride, bool replicate, bool bias)
    {
        var rng = new Random(k * 100 + stride * 10 + (replicate ? 1 : 0));
        int cin = xShape[1];
        var inputs = new List<GradientCase.Input>
        {
            new(xShape, RandomData.Uniform(rng, xShape.Aggregate(1, (a, d) => a * d))),
            new([cout, cin, k, k], RandomData.Uniform(rng, cout * cin * k * k)),
        };
        if (bias)
            inputs.Add(new([cout], RandomData.Uniform(rng, cout)));
        int ho = (xShape[2] - 1) / stride + 1, wo = (xShape[3] - 1) / stride + 1;
        var upstream = RandomData.Uniform(rng, xShape[0] * cout * ho * wo);
        var padding = replicate ? PaddingMode.Replicate : PaddingMode.Zeros;

        Float64GradCheck.Verify(
            inputs,
            v => NaiveConv2d(v[0], v[1], bias ? v[2] : null, xShape, cout, k, stride, replicate),
            t => Ops.Conv2d(t[0], t[1], bias ? t[2] : null, stride, padding),
            upstream);
    }
}
