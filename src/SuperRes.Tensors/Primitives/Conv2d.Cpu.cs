using System.Numerics;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The Cpu reference of conv2d, also the inference fallback: plain loops over image rows, parallel over
/// whole output planes (so each plane is written by one thread, in a fixed order: deterministic), with the
/// contiguous inner row operations vectorised.
/// </summary>
public static partial class Conv2d
{
    private static void ForwardCpu(Conv2dShape s, float[] x, float[] weight, float[]? bias, float[] y)
    {
        int ho = s.OutH, wo = s.OutW;
        Parallel.For(0, s.N * s.Cout, plane =>
        {
            int n = plane / s.Cout, co = plane % s.Cout;
            var output = y.AsSpan(plane * ho * wo, ho * wo);
            output.Fill(bias is null ? 0f : bias[co]);
            for (int oy = 0; oy < ho; oy++)
            {
                var outRow = output.Slice(oy * wo, wo);
                for (int ci = 0; ci < s.Cin; ci++)
                    for (int ky = 0; ky < s.K; ky++)
                    {
                        if (!InputRow(s, oy, ky, out int iy))
                            continue;
                        var inRow = x.AsSpan(((n * s.Cin + ci) * s.H + iy) * s.W, s.W);
                        for (int kx = 0; kx < s.K; kx++)
                            GatherRow(s, outRow, inRow, weight[WeightIndex(s, co, ci, ky, kx)], kx - s.Pad);
                    }
            }
        });
    }

    // The adjoint of the forward loops: every read x[iy, ix] there becomes gx[iy, ix] += w·gy here, so the
    // clamped reads of replicate padding pile their gradient onto the border pixels.
    private static void InputGradCpu(Conv2dShape s, float[] gy, float[] weight, float[] gx)
    {
        int ho = s.OutH, wo = s.OutW;
        Parallel.For(0, s.N * s.Cin, plane =>
        {
            int n = plane / s.Cin, ci = plane % s.Cin;
            var input = gx.AsSpan(plane * s.H * s.W, s.H * s.W);
            input.Clear();
            for (int co = 0; co < s.Cout; co++)
                for (int oy = 0; oy < ho; oy++)
                {
                    var gyRow = gy.AsSpan(((n * s.Cout + co) * ho + oy) * wo, wo);
                    for (int ky = 0; ky < s.K; ky++)
                    {
                        if (!InputRow(s, oy, ky, out int iy))
                            continue;
                        var inRow = input.Slice(iy * s.W, s.W);
                        for (int kx = 0; kx < s.K; kx++)
                            ScatterRow(s, inRow, gyRow, weight[WeightIndex(s, co, ci, ky, kx)], kx - s.Pad);
                    }
                }
        });
    }

    private static void WeightGradCpu(Conv2dShape s, float[] x, float[] gy, float[] gw)
    {
        int ho = s.OutH, wo = s.OutW;
        Parallel.For(0, s.Cout * s.Cin, pair =>
        {
            int co = pair / s.Cin, ci = pair % s.Cin;
            for (int ky = 0; ky < s.K; ky++)
                for (int kx = 0; kx < s.K; kx++)
                {
                    double sum = 0;
                    for (int n = 0; n < s.N; n++)
                        for (int oy = 0; oy < ho; oy++)
                        {
                            if (!InputRow(s, oy, ky, out int iy))
                                continue;
                            var gyRow = gy.AsSpan(((n * s.Cout + co) * ho + oy) * wo, wo);
                            var inRow = x.AsSpan(((n * s.Cin + ci) * s.H + iy) * s.W, s.W);
                            sum += DotRow(s, gyRow, inRow, kx - s.Pad);
                        }
                    gw[WeightIndex(s, co, ci, ky, kx)] = (float)sum;
                }
        });
    }

    private static void BiasGradCpu(Conv2dShape s, float[] gy, float[] gb)
    {
        int plane = s.OutH * s.OutW;
        Parallel.For(0, s.Cout, co =>
        {
            double sum = 0;
            for (int n = 0; n < s.N; n++)
                foreach (var v in gy.AsSpan((n * s.Cout + co) * plane, plane))
                    sum += v;
            gb[co] = (float)sum;
        });
    }

    private static int WeightIndex(Conv2dShape s, int co, int ci, int ky, int kx) => ((co * s.Cin + ci) * s.K + ky) * s.K + kx;

    /// <summary>The input row that output row <paramref name="oy"/> reads with kernel row <paramref name="ky"/>; false when it is zero padding.</summary>
    private static bool InputRow(Conv2dShape s, int oy, int ky, out int iy)
    {
        iy = oy * s.Stride + ky - s.Pad;
        if (s.Padding == PaddingMode.Replicate)
        {
            iy = Math.Clamp(iy, 0, s.H - 1);
            return true;
        }
        return iy >= 0 && iy < s.H;
    }

    /// <summary>
    /// Output column ox reads input column ox·stride + offset. Returns the output columns [first, end) that read
    /// inside the row; those before read column 0's padding, those after column W−1's.
    /// </summary>
    private static (int First, int End) InsideColumns(Conv2dShape s, int outWidth, int offset)
    {
        int first = Math.Min(outWidth, offset >= 0 ? 0 : (-offset + s.Stride - 1) / s.Stride);
        int last = s.W - 1 - offset; // the largest ox·stride that still reads inside
        int end = last < 0 ? first : Math.Clamp(last / s.Stride + 1, first, outWidth);
        return (first, end);
    }

    /// <summary>outRow[ox] += w · inRow[ox·stride + offset] (padding outside the row).</summary>
    private static void GatherRow(Conv2dShape s, Span<float> outRow, ReadOnlySpan<float> inRow, float w, int offset)
    {
        var (first, end) = InsideColumns(s, outRow.Length, offset);
        if (s.Stride == 1 && end > first) // an empty range may start past the row's end
            MultiplyAdd(outRow[first..end], inRow.Slice(first + offset, end - first), w);
        else
            for (int ox = first; ox < end; ox++)
                outRow[ox] += w * inRow[ox * s.Stride + offset];
        if (s.Padding != PaddingMode.Replicate)
            return;
        for (int ox = 0; ox < first; ox++)
            outRow[ox] += w * inRow[0];
        for (int ox = end; ox < outRow.Length; ox++)
            outRow[ox] += w * inRow[^1];
    }

    /// <summary>inRow[ox·stride + offset] += w · gyRow[ox]: the transpose of <see cref="GatherRow"/>.</summary>
    private static void ScatterRow(Conv2dShape s, Span<float> inRow, ReadOnlySpan<float> gyRow, float w, int offset)
    {
        var (first, end) = InsideColumns(s, gyRow.Length, offset);
        if (s.Stride == 1 && end > first)
            MultiplyAdd(inRow.Slice(first + offset, end - first), gyRow[first..end], w);
        else
            for (int ox = first; ox < end; ox++)
                inRow[ox * s.Stride + offset] += w * gyRow[ox];
        if (s.Padding != PaddingMode.Replicate)
            return;
        for (int ox = 0; ox < first; ox++)
            inRow[0] += w * gyRow[ox];
        for (int ox = end; ox < gyRow.Length; ox++)
            inRow[^1] += w * gyRow[ox];
    }

    /// <summary>Σ_ox gyRow[ox] · inRow[ox·stride + offset] (padding outside the row).</summary>
    private static float DotRow(Conv2dShape s, ReadOnlySpan<float> gyRow, ReadOnlySpan<float> inRow, int offset)
    {
        var (first, end) = InsideColumns(s, gyRow.Length, offset);
        float sum = 0;
        if (s.Stride == 1 && end > first)
            sum = Dot(gyRow[first..end], inRow.Slice(first + offset, end - first));
        else
            for (int ox = first; ox < end; ox++)
                sum += gyRow[ox] * inRow[ox * s.Stride + offset];
        if (s.Padding != PaddingMode.Replicate)
            return sum;
        for (int ox = 0; ox < first; ox++)
            sum += gyRow[ox] * inRow[0];
        for (int ox = end; ox < gyRow.Length; ox++)
            sum += gyRow[ox] * inRow[^1];
        return sum;
    }

    /// <summary>y += a·x</summary>
    private static void MultiplyAdd(Span<float> y, ReadOnlySpan<float> x, float a)
    {
        int i = 0;
        var va = new Vector<float>(a);
        for (; i <= y.Length - Vector<float>.Count; i += Vector<float>.Count)
            (new Vector<float>(y[i..]) + va * new Vector<float>(x[i..])).CopyTo(y[i..]);
        for (; i < y.Length; i++)
            y[i] += a * x[i];
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int i = 0;
        var acc = Vector<float>.Zero;
        for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
            acc += new Vector<float>(a[i..]) * new Vector<float>(b[i..]);
        float sum = Vector.Sum(acc);
        for (; i < a.Length; i++)
            sum += a[i] * b[i];
        return sum;
    }
}
