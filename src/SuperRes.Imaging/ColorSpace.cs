using System.Numerics;

namespace SuperRes.Imaging;

/// <summary>
/// BT.601 studio-range YCbCr exactly as MATLAB's rgb2ycbcr / ycbcr2rgb:
/// for R, G, B in [0, 255]:  [Y Cb Cr] = [16 128 128] + T · [R G B] / 255 with
/// T = [65.481 128.553 24.966; −37.797 −74.203 112; 112 −93.786 −18.214];
/// the inverse uses T⁻¹ computed in double, as MATLAB does. Images are converted in their own range
/// (for 16-bit, offsets scale by 257, MATLAB's uint16 rule). Results are not rounded: MATLAB rounds
/// for integer inputs, so call <see cref="Image.Quantized"/> to get that.
/// </summary>
public static class ColorSpace
{
    private static readonly double[,] T =
    {
        { 65.481, 128.553, 24.966 },
        { -37.797, -74.203, 112.0 },
        { 112.0, -93.786, -18.214 },
    };
    private static readonly double[] Offset = [16, 128, 128];
    private static readonly double[,] TInv = Invert(T);

    /// <summary>RGB in [0, max] → (Y, Cb, Cr) in [0, max] (Y ∈ [16, 235]·max/255).</summary>
    public static (double Y, double Cb, double Cr) RgbToYCbCr(double r, double g, double b, double max = 255)
    {
        double k = max / 255.0; // offsets are in 8-bit units
        r /= max; g /= max; b /= max;
        return (k * (Offset[0] + T[0, 0] * r + T[0, 1] * g + T[0, 2] * b),
                k * (Offset[1] + T[1, 0] * r + T[1, 1] * g + T[1, 2] * b),
                k * (Offset[2] + T[2, 0] * r + T[2, 1] * g + T[2, 2] * b));
    }

    /// <summary>(Y, Cb, Cr) in [0, max] → RGB in [0, max] (not clipped).</summary>
    public static (double R, double G, double B) YCbCrToRgb(double y, double cb, double cr, double max = 255)
    {
        double k = 255.0 / max;
        double y0 = y * k - Offset[0], cb0 = cb * k - Offset[1], cr0 = cr * k - Offset[2];
        return (max * (TInv[0, 0] * y0 + TInv[0, 1] * cb0 + TInv[0, 2] * cr0),
                max * (TInv[1, 0] * y0 + TInv[1, 1] * cb0 + TInv[1, 2] * cr0),
                max * (TInv[2, 0] * y0 + TInv[2, 1] * cb0 + TInv[2, 2] * cr0));
    }

    /// <summary>RGB(A) image → 3-channel Y, Cb, Cr image of the same bit depth (alpha dropped).</summary>
    public static Image RgbToYCbCr(Image rgb)
    {
        if (rgb.Channels < 3) throw new ArgumentException($"RgbToYCbCr needs an RGB image, got {rgb.Channels} channel(s)", nameof(rgb));
        return Map(rgb, toYCbCr: true);
    }

    /// <summary>3-channel YCbCr image → RGB image of the same bit depth (unclipped, unrounded).</summary>
    public static Image YCbCrToRgb(Image ycbcr)
    {
        if (ycbcr.Channels != 3) throw new ArgumentException($"YCbCrToRgb needs 3 channels, got {ycbcr.Channels}", nameof(ycbcr));
        return Map(ycbcr, toYCbCr: false);
    }

    /// <summary>
    /// <see cref="YCbCrToRgb(Image)"/> in place, bit-identical to it: each pixel's three samples are read before
    /// any of them is written, so the output can take the input's place (an output-size copy fewer).
    /// </summary>
    public static void YCbCrToRgbInPlace(Image ycbcr)
    {
        if (ycbcr.Channels != 3) throw new ArgumentException($"YCbCrToRgbInPlace needs 3 channels, got {ycbcr.Channels}", nameof(ycbcr));
        Convert(ycbcr, ycbcr.Data, toYCbCr: false, first: 0, count: 3);
    }

    /// <summary>
    /// The luma plane as a 1-channel image: Y of RGB(A) images; gray images pass through unchanged
    /// (the convention of the SR evaluation scripts, which measure a gray image as is).
    /// </summary>
    public static Image Luma(Image image)
    {
        if (image.Channels < 3) return image.SelectChannels(0, 1);
        var y = new Image(image.Width, image.Height, 1, image.BitDepth);
        Convert(image, y.Data, toYCbCr: true, first: 0, count: 1);
        return y;
    }

    /// <summary>
    /// Cb and Cr of an RGB(A) image as a 2-channel image, the samples of <c>RgbToYCbCr(rgb).SelectChannels(1, 2)</c>
    /// without computing Y; into <paramref name="destination"/> (its first 2 × the image's pixels) when given.
    /// </summary>
    public static Image Chroma(Image rgb, float[]? destination = null)
    {
        if (rgb.Channels < 3) throw new ArgumentException($"Chroma needs an RGB image, got {rgb.Channels} channel(s)", nameof(rgb));
        var result = new Image(rgb.Width, rgb.Height, 2, destination, rgb.BitDepth);
        Convert(rgb, result.Data, toYCbCr: true, first: 1, count: 2);
        return result;
    }

    private static Image Map(Image src, bool toYCbCr)
    {
        var dst = new Image(src.Width, src.Height, 3, src.BitDepth);
        Convert(src, dst.Data, toYCbCr, first: 0, count: 3);
        return dst;
    }

    // Pixels per parallel piece: enough to amortise the hand-off, few enough to spread a photo over every core.
    private const int Piece = 1 << 16;

    /// <summary>
    /// Converts every pixel in pieces on all cores, SIMD within a piece, writing output channels [first, first +
    /// count) as planes 0… of <paramref name="dst"/>.
    /// </summary>
    private static void Convert(Image src, float[] dst, bool toYCbCr, int first, int count)
    {
        int n = src.PlaneSize;
        float[] s = src.Data;
        double max = src.MaxValue;
        int pieces = (n + Piece - 1) / Piece;
        Parallel.For(0, pieces, new ParallelOptions { MaxDegreeOfParallelism = pieces == 1 ? 1 : Environment.ProcessorCount }, piece =>
        {
            int start = piece * Piece, length = Math.Min(n, start + Piece) - start;
            Span<float> Out(int j) => j < count ? dst.AsSpan(j * n + start, length) : default;
            ConvertPixels(s.AsSpan(start, length), s.AsSpan(n + start, length), s.AsSpan(2 * n + start, length),
                          Out(0), Out(1), Out(2), max, toYCbCr, first, count);
        });
    }

    /// <summary>
    /// Y of each pixel of three rows (R, G, B levels in [0, max]) into <paramref name="y"/>: the samples
    /// <see cref="Luma"/> gives, for callers that read an image row by row.
    /// </summary>
    public static void LumaRow(ReadOnlySpan<float> r, ReadOnlySpan<float> g, ReadOnlySpan<float> b, Span<float> y, double max) =>
        ConvertPixels(r, g, b, y, default, default, max, toYCbCr: true, first: 0, count: 1);

    /// <summary>Cb and Cr of each pixel of three rows: the samples <see cref="Chroma"/> gives.</summary>
    public static void ChromaRow(ReadOnlySpan<float> r, ReadOnlySpan<float> g, ReadOnlySpan<float> b, Span<float> cb, Span<float> cr, double max) =>
        ConvertPixels(r, g, b, cb, cr, default, max, toYCbCr: true, first: 1, count: 2);

    /// <summary>R, G and B of each pixel of three rows of Y, Cb, Cr: the samples <see cref="YCbCrToRgb(Image)"/> gives (in place allowed).</summary>
    public static void RgbRow(ReadOnlySpan<float> y, ReadOnlySpan<float> cb, ReadOnlySpan<float> cr, Span<float> r, Span<float> g, Span<float> b, double max) =>
        ConvertPixels(y, cb, cr, r, g, b, max, toYCbCr: false, first: 0, count: 3);

    /// <summary>
    /// Output channels [first, first + count) of the conversion of the pixels (<paramref name="a"/>[i],
    /// <paramref name="b"/>[i], <paramref name="c"/>[i]) into <paramref name="out0"/>… (one per channel asked for),
    /// a whole vector at a time and the remainder by the scalar formulas. Each pixel's three inputs are read before its
    /// outputs are written, so an output may be an input. The vector code performs the scalar formulas' double
    /// operations in the same order (no fused multiply-adds): forward k·(((O + T₀·(r/m)) + T₁·(g/m)) + T₂·(b/m)) with
    /// k = m/255; inverse m·((T⁻¹₀·y′ + T⁻¹₁·cb′) + T⁻¹₂·cr′) with y′ = y·(255/m) − O, so results are bit-identical.
    /// </summary>
    private static void ConvertPixels(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c,
                                      Span<float> out0, Span<float> out1, Span<float> out2, double max, bool toYCbCr, int first, int count)
    {
        int n = a.Length, i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var matrix = toYCbCr ? T : TInv;
            Span<Vector<double>> c0 = stackalloc Vector<double>[3], c1 = stackalloc Vector<double>[3], c2 = stackalloc Vector<double>[3];
            Span<Vector<double>> offset = stackalloc Vector<double>[3];
            for (int j = 0; j < 3; j++)
            {
                (c0[j], c1[j], c2[j]) = (new(matrix[j, 0]), new(matrix[j, 1]), new(matrix[j, 2]));
                offset[j] = new(Offset[j]);
            }
            var m = new Vector<double>(max);
            var k = new Vector<double>(toYCbCr ? max / 255.0 : 255.0 / max);
            for (int step = Vector<float>.Count; i <= n - step; i += step)
            {
                Vector.Widen(new Vector<float>(a[i..]), out var a0, out var a1);
                Vector.Widen(new Vector<float>(b[i..]), out var b0, out var b1);
                Vector.Widen(new Vector<float>(c[i..]), out var d0, out var d1);
                if (toYCbCr)
                    (a0, a1, b0, b1, d0, d1) = (a0 / m, a1 / m, b0 / m, b1 / m, d0 / m, d1 / m);
                else
                {
                    (a0, a1) = (a0 * k - offset[0], a1 * k - offset[0]);
                    (b0, b1) = (b0 * k - offset[1], b1 * k - offset[1]);
                    (d0, d1) = (d0 * k - offset[2], d1 * k - offset[2]);
                }
                for (int j = first; j < first + count; j++)
                {
                    var result = toYCbCr
                        ? Vector.Narrow(k * (offset[j] + c0[j] * a0 + c1[j] * b0 + c2[j] * d0), k * (offset[j] + c0[j] * a1 + c1[j] * b1 + c2[j] * d1))
                        : Vector.Narrow(m * (c0[j] * a0 + c1[j] * b0 + c2[j] * d0), m * (c0[j] * a1 + c1[j] * b1 + c2[j] * d1));
                    result.CopyTo(Pick(j - first, out0, out1, out2)[i..]);
                }
            }
        }
        for (; i < n; i++)
        {
            var (p, q, r) = toYCbCr ? RgbToYCbCr(a[i], b[i], c[i], max) : YCbCrToRgb(a[i], b[i], c[i], max);
            for (int j = first; j < first + count; j++)
                Pick(j - first, out0, out1, out2)[i] = (float)(j == 0 ? p : j == 1 ? q : r);
        }
    }

    private static Span<float> Pick(int index, Span<float> first, Span<float> second, Span<float> third) =>
        index switch { 0 => first, 1 => second, _ => third };

    private static double[,] Invert(double[,] m)
    {
        double det = m[0, 0] * (m[1, 1] * m[2, 2] - m[1, 2] * m[2, 1])
                   - m[0, 1] * (m[1, 0] * m[2, 2] - m[1, 2] * m[2, 0])
                   + m[0, 2] * (m[1, 0] * m[2, 1] - m[1, 1] * m[2, 0]);
        var r = new double[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                // Cofactor of m[j, i] (transposed) / det.
                int r0 = (j + 1) % 3, r1 = (j + 2) % 3, c0 = (i + 1) % 3, c1 = (i + 2) % 3;
                r[i, j] = (m[r0, c0] * m[r1, c1] - m[r0, c1] * m[r1, c0]) / det;
            }
        return r;
    }
}
