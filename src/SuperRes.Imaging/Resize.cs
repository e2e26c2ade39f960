using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SuperRes.Imaging;

/// <summary>
/// MATLAB-compatible bicubic imresize (the function that made every SR benchmark's LR images).
/// Mirrors imresize.m: cubic kernel a = −0.5; when shrinking the kernel is stretched by 1/scale
/// (antialiasing); output pixel x (1-based) samples input u = x/scale + 0.5·(1 − 1/scale);
/// ceil(4/scale)+2 taps (4+2 when enlarging) starting at floor(u − width/2), weights normalised to
/// sum 1; out-of-range taps are clamped to the first/last sample — contributions()'s
/// "indices = min(max(1, indices), in_length)", i.e. edge replication. (Symmetric padding, which
/// several Python ports and our reference notes assume, reproduces the benchmark LR files only
/// 98.6–99.4 % exactly; clamping reproduces all of them bit for bit — see docs/imaging.md.)
/// Separable, the dimension with the smaller scale first (rows first on ties: MATLAB's stable
/// sort of [scaleRows scaleCols]). Accumulation is in double like imresizemex.
/// </summary>
public static class Resize
{
    /// <summary>
    /// imresize(image, scale, 'bicubic'): output is ceil(scale · size) each way (a 1e−9 slack keeps
    /// 510 · (1/3) from becoming 171). With <paramref name="quantize"/> each pass rounds and clips to
    /// the image's integer levels, which is what MATLAB does for uint8/uint16 input (imresizemex
    /// returns the input class after every pass); without it the result is the double-input one.
    /// </summary>
    public static Image Bicubic(Image image, double scale, bool quantize = false)
    {
        if (!(scale > 0) || double.IsInfinity(scale)) throw new ArgumentOutOfRangeException(nameof(scale), $"scale must be positive, got {scale}");
        int ow = (int)Math.Ceiling(image.Width * scale - 1e-9), oh = (int)Math.Ceiling(image.Height * scale - 1e-9);
        return Run(image, Math.Max(1, ow), Math.Max(1, oh), scale, scale, quantize);
    }

    /// <summary>imresize(image, [height width], 'bicubic'): per-axis scale = output / input size.</summary>
    public static Image Bicubic(Image image, int width, int height, bool quantize = false)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"output size {width}x{height} must be positive");
        return Run(image, width, height, (double)width / image.Width, (double)height / image.Height, quantize);
    }

    private static Image Run(Image src, int ow, int oh, double sx, double sy, bool quantize)
    {
        var cols = Contributions(src.Width, ow, sx);
        var rows = Contributions(src.Height, oh, sy);
        float max = quantize ? src.MaxValue : 0f;
        var result = new Image(ow, oh, src.Channels, src.BitDepth);
        for (int c = 0; c < src.Channels; c++)
        {
            float[] plane = src.Plane(c).ToArray();
            float[] outPlane;
            if (sy <= sx) // rows (dimension 1) first
            {
                var mid = Vertical(plane, src.Width, rows, max);
                outPlane = Horizontal(mid, oh, src.Width, cols, max);
            }
            else
            {
                var mid = Horizontal(plane, src.Height, src.Width, cols, max);
                outPlane = Vertical(mid, ow, rows, max);
            }
            outPlane.CopyTo(result.Plane(c));
        }
        return result;
    }

    /// <summary>Per output index: Taps input indices (already clamped) and normalised weights.</summary>
    internal sealed record Contribution(int Count, int Taps, int[] Index, double[] Weight);

    internal static Contribution Contributions(int inLength, int outLength, double scale)
    {
        const double kernelWidth = 4;
        bool shrink = scale < 1; // antialiasing: MATLAB's default for bicubic
        double width = shrink ? kernelWidth / scale : kernelWidth;
        int taps = (int)Math.Ceiling(width) + 2;
        var index = new int[outLength * taps];
        var weight = new double[outLength * taps];
        for (int x = 1; x <= outLength; x++)
        {
            double u = x / scale + 0.5 * (1 - 1 / scale);
            double left = Math.Floor(u - width / 2);
            double sum = 0;
            int o = (x - 1) * taps;
            for (int k = 0; k < taps; k++)
            {
                double j = left + k; // 1-based input position
                double w = shrink ? scale * Cubic(scale * (u - j)) : Cubic(u - j);
                weight[o + k] = w;
                sum += w;
                index[o + k] = (int)Math.Clamp((long)j - 1, 0, inLength - 1); // clamp = replicate the edge sample
            }
            for (int k = 0; k < taps; k++) weight[o + k] /= sum;
        }
        // MATLAB's "kill": drop tap columns that are zero for every output (e.g. 6 → 4 taps when
        // enlarging by 2). Only exact zeros go, so results are unchanged; it saves a third of the work.
        int first = 0, last = taps - 1;
        while (first < last && ColumnIsZero(weight, taps, outLength, first)) first++;
        while (last > first && ColumnIsZero(weight, taps, outLength, last)) last--;
        int kept = last - first + 1;
        if (kept == taps) return new Contribution(outLength, taps, index, weight);
        var index2 = new int[outLength * kept];
        var weight2 = new double[outLength * kept];
        for (int x = 0; x < outLength; x++)
        {
            Array.Copy(index, x * taps + first, index2, x * kept, kept);
            Array.Copy(weight, x * taps + first, weight2, x * kept, kept);
        }
        return new Contribution(outLength, kept, index2, weight2);
    }

    private static bool ColumnIsZero(double[] weight, int taps, int rows, int column)
    {
        for (int x = 0; x < rows; x++) if (weight[x * taps + column] != 0) return false;
        return true;
    }

    /// <summary>Keys cubic with a = −0.5 (MATLAB's cubic()).</summary>
    internal static double Cubic(double x)
    {
        double ax = Math.Abs(x), ax2 = ax * ax, ax3 = ax2 * ax;
        if (ax <= 1) return 1.5 * ax3 - 2.5 * ax2 + 1;
        if (ax <= 2) return -0.5 * ax3 + 2.5 * ax2 - 4 * ax + 2;
        return 0;
    }

    // max > 0: round and clip each result to [0, max] (integer-class emulation).
    private static float Store(double v, float max) => max > 0 ? Image.QuantizeSample(v, max) : (float)v;

    private static float[] Vertical(float[] src, int width, Contribution rows, float max)
    {
        var dst = new float[rows.Count * width];
        Parallel.For(0, rows.Count, ParallelOptionsFor(rows.Count * width), y =>
        {
            var acc = new double[width];
            int o = y * rows.Taps;
            for (int k = 0; k < rows.Taps; k++)
            {
                double w = rows.Weight[o + k];
                if (w != 0) AddScaledRow(acc, src.AsSpan(rows.Index[o + k] * width, width), w);
            }
            for (int x = 0; x < width; x++) dst[y * width + x] = Store(acc[x], max);
        });
        return dst;
    }

    /// <summary>acc += w · row, widening float samples to double (SIMD where available).</summary>
    internal static void AddScaledRow(Span<double> acc, ReadOnlySpan<float> row, double w)
    {
        int x = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int n = Vector<float>.Count, d = Vector<double>.Count;
            var vw = new Vector<double>(w);
            for (; x <= row.Length - n; x += n)
            {
                Vector.Widen(new Vector<float>(row[x..]), out var lo, out var hi);
                (new Vector<double>(acc[x..]) + vw * lo).CopyTo(acc[x..]);
                (new Vector<double>(acc[(x + d)..]) + vw * hi).CopyTo(acc[(x + d)..]);
            }
        }
        for (; x < row.Length; x++) acc[x] += w * row[x];
    }

    private static float[] Horizontal(float[] src, int height, int width, Contribution cols, float max)
    {
        int ow = cols.Count, taps = cols.Taps;
        var dst = new float[height * ow];
        (int[] Index, double[] Weight)? gathered = Avx2.IsSupported ? ByTap(cols) : null;
        Parallel.For(0, height, ParallelOptionsFor(height * ow), y =>
        {
            int r = y * width;
            int x = gathered is null ? 0 : HorizontalGathered(src.AsSpan(r, width), dst.AsSpan(y * ow, ow), gathered.Value, taps, max);
            for (; x < ow; x++)
            {
                double acc = 0;
                int o = x * taps;
                for (int k = 0; k < taps; k++) acc += cols.Weight[o + k] * src[r + cols.Index[o + k]];
                dst[y * ow + x] = Store(acc, max);
            }
        });
        return dst;
    }

    /// <summary>The contributions tap-major (<c>[k * count + x]</c>), so four neighbouring outputs' k-th taps load as one vector.</summary>
    internal static (int[] Index, double[] Weight) ByTap(Contribution cols)
    {
        var index = new int[cols.Index.Length];
        var weight = new double[cols.Weight.Length];
        for (int x = 0; x < cols.Count; x++)
            for (int k = 0; k < cols.Taps; k++)
            {
                index[k * cols.Count + x] = cols.Index[x * cols.Taps + k];
                weight[k * cols.Count + x] = cols.Weight[x * cols.Taps + k];
            }
        return (index, weight);
    }

    private static unsafe int HorizontalGathered(ReadOnlySpan<float> row, Span<float> output, (int[] Index, double[] Weight) byTap, int taps, float max)
    {
        fixed (float* src = row)
        fixed (float* dst = output)
        fixed (int* index = byTap.Index)
        fixed (double* weight = byTap.Weight)
            return HorizontalGathered(src, dst, output.Length, index, weight, output.Length, taps, max);
    }

    /// <summary>
    /// Four outputs at a time: gathers their k-th input samples, widens them to double and accumulates w·s in the
    /// scalar loop's order (starting from 0, k ascending, no fused multiply-add), so every sum is bit-identical.
    /// Output i reads tap k's index and weight at <c>k · stride + i</c> of <paramref name="index"/> and
    /// <paramref name="weight"/> and its sample at <c>src[index]</c>. Returns how many of the <paramref name="count"/>
    /// outputs it wrote; the scalar loop does the rest.
    /// </summary>
    internal static unsafe int HorizontalGathered(float* src, float* dst, int count, int* index, double* weight, int stride, int taps, float max)
    {
        int x = 0;
        for (; x <= count - 4; x += 4)
        {
            var acc = Vector256<double>.Zero;
            for (int k = 0; k < taps; k++)
            {
                var samples = Avx.ConvertToVector256Double(Avx2.GatherVector128(src, Avx.LoadVector128(index + k * stride + x), 4));
                acc = Avx.Add(acc, Avx.Multiply(Avx.LoadVector256(weight + k * stride + x), samples));
            }
            if (max > 0)
                for (int l = 0; l < 4; l++) dst[x + l] = Store(acc.GetElement(l), max);
            else
                Avx.Store(dst + x, Avx.ConvertToVector128Single(acc));
        }
        return x;
    }

    // Small images are not worth the thread hand-off.
    private static ParallelOptions ParallelOptionsFor(long work) =>
        new() { MaxDegreeOfParallelism = work < 1 << 16 ? 1 : Environment.ProcessorCount };
}
