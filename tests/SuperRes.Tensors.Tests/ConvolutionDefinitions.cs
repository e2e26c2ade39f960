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
        foreach (var i in Indices(s.N, s.Cout, s.OutH, s.OutW, s.Cin, s.K, s.K))
        {
            var (b, co, oy, ox, ci, ky, kx) = (i[0], i[1], i[2], i[3], i[4], i[5], i[6]);
            int iy = oy * s.Stride - s.Pad + ky, ix = ox * s.Stride - s.Pad + kx;
            if (s.Padding == PaddingMode.Replicate)
                (iy, ix) = (Math.Clamp(iy, 0, s.H - 1), Math.Clamp(ix, 0, s.W - 1));
            else if (iy < 0 || iy >= s.H || ix < 0 || ix >= s.W)
                continue;
            yield return (((b * s.Cin + ci) * s.H + iy) * s.W + ix, ((co * s.Cin + ci) * s.K + ky) * s.K + kx, ((b * s.Cout + co) * s.OutH + oy) * s.OutW + ox);
        }
    }

    /// <summary>conv_transpose2d: input (iy, ix) scatters through the weight onto output (iy·s − p + ky, ix·s − p + kx) inside the output.</summary>
    public static IEnumerable<(int X, int W, int Y)> Taps(ConvTranspose2dGeometry g)
    {
        foreach (var i in Indices(g.N, g.Cin, g.H, g.W, g.Cout, g.K, g.K))
        {
            var (b, ci, iy, ix, co, ky, kx) = (i[0], i[1], i[2], i[3], i[4], i[5], i[6]);
            int oy = iy * g.Stride - g.Padding + ky, ox = ix * g.Stride - g.Padding + kx;
            if (oy >= 0 && oy < g.Ho && ox >= 0 && ox < g.Wo)
                yield return (((b * g.Cin + ci) * g.H + iy) * g.W + ix, ((ci * g.Cout + co) * g.K + ky) * g.K + kx, ((b * g.Cout + co) * g.Ho + oy) * g.Wo + ox);
        }
    }

    /// <summary>Every index tuple below <paramref name="extents"/>, the last index fastest (one array, updated in place).</summary>
    private static IEnumerable<int[]> Indices(params int[] extents)
    {
        if (extents.Any(e => e <= 0))
            yield break;
        var index = new int[extents.Length];
        while (true)
        {
            yield return index;
            int d = extents.Length - 1;
            while (d >= 0 && ++index[d] == extents[d])
                index[d--] = 0;
            if (d < 0)
                yield break;
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
