using System.Numerics;

namespace SuperRes.Imaging;

/// <summary>
/// PSNR and SSIM as SR papers report them (EDSR's Evaluate_PSNR_SSIM.m convention):
/// both images are first rounded and clipped to 8 bits (16-bit inputs scaled by 1/257), then the
/// Y channel of MATLAB rgb2ycbcr is computed in double and NOT rounded (gray images are used as
/// they are), <c>shave</c> pixels are cropped from every border, and
/// PSNR = 10·log10(255² / MSE); SSIM = Wang et al. 2004 with an 11×11 Gaussian window (σ 1.5,
/// normalised), K1 0.01, K2 0.03, L 255, 'valid' filtering, mean of the SSIM map.
/// </summary>
public static class Metrics
{
    /// <summary>PSNR in dB on Y (+∞ for identical images).</summary>
    public static double Psnr(Image sr, Image hr, int shave)
    {
        var (a, b, w, h) = Prepare(sr, hr, shave);
        double sse = 0;
        for (int i = 0; i < a.Length; i++) { double d = a[i] - b[i]; sse += d * d; }
        double mse = sse / (w * (double)h);
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / mse);
    }

    /// <summary>Mean SSIM on Y.</summary>
    public static double Ssim(Image sr, Image hr, int shave)
    {
        var (a, b, w, h) = Prepare(sr, hr, shave);
        return Ssim(a, b, w, h);
    }

    /// <summary>The evaluation luma: 8-bit rounded/clipped input, unrounded double Y in [16, 235] (gray as is).</summary>
    public static double[] EvaluationLuma(Image image)
    {
        int n = image.PlaneSize;
        var y = new double[n];
        float k = 255f / image.MaxValue;
        double Q(int c, int i) => Image.QuantizeSample(image.Data[c * n + i] * k, 255f);
        if (image.Channels < 3)
            for (int i = 0; i < n; i++) y[i] = Q(0, i);
        else
            for (int i = 0; i < n; i++) y[i] = ColorSpace.RgbToYCbCr(Q(0, i), Q(1, i), Q(2, i)).Y;
        return y;
    }

    private static (double[] a, double[] b, int w, int h) Prepare(Image sr, Image hr, int shave)
    {
        if (sr.Width != hr.Width || sr.Height != hr.Height)
            throw new ArgumentException($"image sizes differ: {sr.Width}x{sr.Height} vs {hr.Width}x{hr.Height}");
        if (shave < 0 || 2 * shave >= sr.Width || 2 * shave >= sr.Height)
            throw new ArgumentOutOfRangeException(nameof(shave), $"shave {shave} leaves nothing of {sr.Width}x{sr.Height}");
        return (Crop(EvaluationLuma(sr), sr.Width, sr.Height, shave), Crop(EvaluationLuma(hr), hr.Width, hr.Height, shave),
                sr.Width - 2 * shave, sr.Height - 2 * shave);
    }

    private static double[] Crop(double[] p, int w, int h, int s)
    {
        int cw = w - 2 * s, ch = h - 2 * s;
        var r = new double[cw * ch];
        for (int y = 0; y < ch; y++) Array.Copy(p, (y + s) * w + s, r, y * cw, cw);
        return r;
    }

    internal static double Ssim(double[] a, double[] b, int w, int h)
    {
        const int win = 11;
        const double sigma = 1.5, C1 = (0.01 * 255) * (0.01 * 255), C2 = (0.03 * 255) * (0.03 * 255);
        if (w < win || h < win) throw new ArgumentException($"SSIM needs at least {win}x{win} pixels after shaving, got {w}x{h}");
        // fspecial('gaussian', 11, 1.5) is separable: outer product of a normalised 1-D Gaussian.
        var g = new double[win];
        double gs = 0;
        for (int i = 0; i < win; i++) { g[i] = Math.Exp(-((i - 5) * (i - 5)) / (2 * sigma * sigma)); gs += g[i]; }
        for (int i = 0; i < win; i++) g[i] /= gs;

        int n = w * h;
        var aa = new double[n]; var bb = new double[n]; var ab = new double[n];
        for (int i = 0; i < n; i++) { aa[i] = a[i] * a[i]; bb[i] = b[i] * b[i]; ab[i] = a[i] * b[i]; }
        int vw = w - win + 1, vh = h - win + 1;
        var mu1 = Filter(a, w, h, g); var mu2 = Filter(b, w, h, g);
        var s11 = Filter(aa, w, h, g); var s22 = Filter(bb, w, h, g); var s12 = Filter(ab, w, h, g);
        double total = 0;
        for (int i = 0; i < vw * vh; i++)
        {
            double m1 = mu1[i], m2 = mu2[i];
            double v1 = s11[i] - m1 * m1, v2 = s22[i] - m2 * m2, cov = s12[i] - m1 * m2;
            total += (2 * m1 * m2 + C1) * (2 * cov + C2) / ((m1 * m1 + m2 * m2 + C1) * (v1 + v2 + C2));
        }
        return total / (vw * (double)vh);
    }

    /// <summary>'valid' separable correlation with kernel g (rows then columns), as SIMD row updates.</summary>
    private static double[] Filter(double[] src, int w, int h, double[] g)
    {
        int k = g.Length, vw = w - k + 1, vh = h - k + 1;
        var tmp = new double[h * vw];
        for (int y = 0; y < h; y++)
            for (int t = 0; t < k; t++)
                Axpy(tmp.AsSpan(y * vw, vw), src.AsSpan(y * w + t, vw), g[t]);
        var dst = new double[vh * vw];
        for (int y = 0; y < vh; y++)
            for (int t = 0; t < k; t++)
                Axpy(dst.AsSpan(y * vw, vw), tmp.AsSpan((y + t) * vw, vw), g[t]);
        return dst;
    }

    /// <summary>dst += a · src.</summary>
    private static void Axpy(Span<double> dst, ReadOnlySpan<double> src, double a)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var va = new Vector<double>(a);
            for (; i <= dst.Length - Vector<double>.Count; i += Vector<double>.Count)
                (new Vector<double>(dst[i..]) + va * new Vector<double>(src[i..])).CopyTo(dst[i..]);
        }
        for (; i < dst.Length; i++) dst[i] += a * src[i];
    }
}
