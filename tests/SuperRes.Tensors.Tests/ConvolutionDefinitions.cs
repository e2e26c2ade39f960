using SuperRes.Tensors.Primitives;

namespace SuperRes.Tensors.Tests;

/// <summary>
/// The convolutions by their definitions, in float64: every tap is a triple (x index, weight index, y index) with
/// y[Y] += x[X]·w[W], listed with plain loops over the output (conv2d) or the input (conv_transpose2d). The forward
/// and both gradients follow from the taps alone, independently of the engine's im2col and bands.
/// </summary>
internal static class ConvolutionDefinitions
{
    /// <summary>conv2d: output (oy, ox) reads the K×K window at (oy·s − K/2, ox·s − K/2), clamped (replicate) or skipped (zeros) outside.</summary>
    public static IEnumerable<(int X, int W, int Y)> Taps(Conv2dShape s)
    {
        for (int b = 0; b < s.N; b++)
            for (int co = 0; co < s.Cout; co++)
                for (int oy = 0; oy < s.OutH; oy++)
                    for (int ox = 0; ox < s.OutW; ox++)
                        for (int ci = 0; ci < s.Cin; ci++)
                            for (int ky = 0; ky < s.K; ky++)
                                for (int kx = 0; kx < s.K; kx++)
                                {
                                    int iy = oy * s.Stride - s.Pad + ky, ix = ox * s.Stride - s.Pad + kx;
                                    if (s.Padding == PaddingMode.Replicate)
                                        (iy, ix) = (Math.Clamp(iy, 0, s.H - 1), Math.Clamp(ix, 0, s.W - 1));
                                    else if (iy < 0 || iy >= s.H || ix < 0 || ix >= s.W)
                                        continue;
                                    yield return (((b * s.Cin + ci) * s.H + iy) * s.W + ix, ((co * s.Cin + ci) * s.K + ky) * s.K + kx,
                                        ((b * s.Cout + co) * s.OutH + oy) * s.OutW + ox);
                                }
    }

    /// <summary>conv_transpose2d: input (iy, ix) scatters through the weight onto output (iy·s − p + ky, ix·s − p + kx) inside the output.</summary>
    public static IEnumerable<(int X, int W, int Y)> Taps(ConvTranspose2dGeometry g)
    {
        for (int b = 0; b < g.N; b++)
            for (int ci = 0; ci < g.Cin; ci++)
                for (int iy = 0; iy < g.H; iy++)
                    for (int ix = 0; ix < g.W; ix++)
                        for (int co = 0; co < g.Cout; co++)
                            for (int ky = 0; ky < g.K; ky++)
                                for (int kx = 0; kx < g.K; kx++)
                                {
                                    int oy = iy * g.Stride - g.Padding + ky, ox = ix * g.Stride - g.Padding + kx;
                                    if (oy >= 0 && oy < g.Ho && ox >= 0 && ox < g.Wo)
                                        yield return (((b * g.Cin + ci) * g.H + iy) * g.W + ix, ((ci * g.Cout + co) * g.K + ky) * g.K + kx,
                                            ((b * g.Cout + co) * g.Ho + oy) * g.Wo + ox);
                                }
    }

    /// <summary>y [N, channels, plane] = Σ over taps of x·w, plus bias[channel] when given.</summary>
    public static double[] Forward(IEnumerable<(int X, int W, int Y)> taps, int outputLength, int channels, int plane, double[] x, double[] w, double[]? bias)
    {
        var y = new double[outputLength];
        if (bias is not null)
            for (int i = 0; i < y.Length; i++)
                y[i] = bias[i / plane % channels];
        foreach (var (xi, wi, yi) in taps)
            y[yi] += x[xi] * w[wi];
        return y;
    }

    /// <summary>Bias-free y, then gx = ∂(Σ gy·y)/∂x and gw = ∂(Σ gy·y)/∂w.</summary>
    public static (double[] Y, double[] Gx, double[] Gw) ForwardAndGradients(IEnumerable<(int X, int W, int Y)> taps, float[] x, float[] w, float[] gy)
    {
        var (y, gx, gw) = (new double[gy.Length], new double[x.Length], new double[w.Length]);
        foreach (var (xi, wi, yi) in taps)
        {
            y[yi] += (double)x[xi] * w[wi];
            gx[xi] += (double)gy[yi] * w[wi];
            gw[wi] += (double)gy[yi] * x[xi];
        }
        return (y, gx, gw);
    }
}
