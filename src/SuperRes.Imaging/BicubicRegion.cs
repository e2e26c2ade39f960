using System.Numerics;
using System.Runtime.Intrinsics.X86;

namespace SuperRes.Imaging;

/// <summary>
/// <see cref="Resize.Bicubic(Image, int, int, bool)"/> computed region by region: any rectangle of the enlarged image
/// from only the input rows and columns it reads, bit for bit as the whole-image resize gives it (the same
/// contributions, rows first, each sum in double in the same order), so an upscaler can enlarge chroma or a
/// pre-upsampled input per tile and never hold it at the output size. For enlargements whose row scale is at most the
/// column scale (equal scales, as an upscale's), where the whole-image resize also runs the rows first; unquantized.
/// </summary>
public sealed class BicubicRegion
{
    private readonly Resize.Contribution _cols, _rows;
    private readonly (int[] Index, double[] Weight)? _colsByTap;
    private readonly PeriodicColumns? _periodic;

    public BicubicRegion(int inWidth, int inHeight, int outWidth, int outHeight)
    {
        double sx = (double)outWidth / inWidth, sy = (double)outHeight / inHeight;
        if (sy > sx)
            throw new ArgumentException($"a region resize runs the rows first: {inWidth}x{inHeight} → {outWidth}x{outHeight} scales the rows more than the columns");
        (InWidth, InHeight, OutWidth, OutHeight) = (inWidth, inHeight, outWidth, outHeight);
        _cols = SuperRes.Imaging.Resize.Contributions(inWidth, outWidth, sx);
        _rows = SuperRes.Imaging.Resize.Contributions(inHeight, outHeight, sy);
        _colsByTap = Avx2.IsSupported ? SuperRes.Imaging.Resize.ByTap(_cols) : null;
        _periodic = Avx.IsSupported ? PeriodicColumns.Find(_cols, inWidth) : null;
    }

    public int InWidth { get; }
    public int InHeight { get; }
    public int OutWidth { get; }
    public int OutHeight { get; }

    /// <summary>The input rectangle the output region [x, x + width) × [y, y + height) reads.</summary>
    public (int X, int Y, int Width, int Height) SourceOf(int x, int y, int width, int height)
    {
        var (x0, x1) = Span(_cols, x, width);
        var (y0, y1) = Span(_rows, y, height);
        return (x0, y0, x1 - x0, y1 - y0);
    }

    /// <summary>
    /// The output region [x, x + width) × [y, y + height) of every channel of <paramref name="source"/>, which holds the
    /// input rectangle <see cref="SourceOf"/> gives (at <paramref name="sourceX"/>, <paramref name="sourceY"/>); into
    /// <paramref name="destination"/> (its first channels × width × height samples) when given.
    /// </summary>
    public Image Resize(Image source, int sourceX, int sourceY, int x, int y, int width, int height, float[]? destination = null)
    {
        var result = new Image(width, height, source.Channels, destination, source.BitDepth);
        int sw = source.Width;
        var mid = new float[sw];
        var acc = new double[sw];
        for (int c = 0; c < source.Channels; c++)
        {
            var plane = source.Plane(c);
            var output = result.Plane(c);
            for (int r = 0; r < height; r++)
            {
                // The rows pass (Resize's Vertical) for this output row, over the source's columns only.
                Array.Clear(acc);
                int o = (y + r) * _rows.Taps;
                for (int k = 0; k < _rows.Taps; k++)
                {
                    double w = _rows.Weight[o + k];
                    if (w != 0)
                        SuperRes.Imaging.Resize.AddScaledRow(acc, plane.Slice((_rows.Index[o + k] - sourceY) * sw, sw), w);
                }
                Narrow(acc, mid);
                Columns(mid, sourceX, x, output.Slice(r * width, width));
            }
        }
        return result;
    }

    /// <summary>mid[i] = (float)acc[i], a vector at a time (the same rounding as the cast).</summary>
    private static void Narrow(ReadOnlySpan<double> acc, Span<float> mid)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
            for (int d = Vector<double>.Count; i <= acc.Length - 2 * d; i += 2 * d)
                Vector.Narrow(new Vector<double>(acc[i..]), new Vector<double>(acc[(i + d)..])).CopyTo(mid[i..]);
        for (; i < acc.Length; i++)
            mid[i] = (float)acc[i];
    }

    /// <summary>The columns pass (Resize's Horizontal) for output columns [x, x + line.Length) of a row whose input starts at column sourceX.</summary>
    private unsafe void Columns(float[] mid, int sourceX, int x, Span<float> line)
    {
        fixed (float* src = mid)
        fixed (float* dst = line)
        {
            // Indices are columns of the whole input: src − sourceX puts them on mid's.
            float* input = src - sourceX;
            int from = 0, to = line.Length;
            if (_periodic is { } periodic && periodic.Within(x, line.Length) is var (start, blocks) && blocks > 0)
            {
                Gathered(input, dst, x, 0, start - x);
                periodic.Run(input, dst + (start - x), start, blocks);
                from = start - x + blocks * periodic.BlockOutputs;
            }
            Gathered(input, dst, x, from, to);
        }
    }

    /// <summary>Outputs [from, to) of the run that starts at output column x, four at a time where AVX2 gathers, then one at a time.</summary>
    private unsafe void Gathered(float* input, float* dst, int x, int from, int to)
    {
        int i = from;
        if (_colsByTap is { } byTap && to > from)
            fixed (int* index = byTap.Index)
            fixed (double* weight = byTap.Weight)
                i += SuperRes.Imaging.Resize.HorizontalGathered(input, dst + from, to - from, index + x + from, weight + x + from, OutWidth, _cols.Taps, 0f);
        for (; i < to; i++)
        {
            double sum = 0;
            int p = (x + i) * _cols.Taps;
            for (int k = 0; k < _cols.Taps; k++)
                sum += _cols.Weight[p + k] * input[_cols.Index[p + k]];
            dst[i] = (float)sum;
        }
    }

    /// <summary>[first, last + 1) of the input indices the outputs [start, start + count) read.</summary>
    private static (int Start, int End) Span(Resize.Contribution contribution, int start, int count)
    {
        int lo = int.MaxValue, hi = int.MinValue;
        for (int i = start * contribution.Taps; i < (start + count) * contribution.Taps; i++)
        {
            lo = Math.Min(lo, contribution.Index[i]);
            hi = Math.Max(hi, contribution.Index[i]);
        }
        return (lo, hi + 1);
    }
}
