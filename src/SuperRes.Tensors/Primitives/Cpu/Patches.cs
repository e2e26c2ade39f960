using System.Numerics;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The K×K windows a convolution reads from a plane [Channels, PlaneH, PlaneW]: window (gy, gx) of the grid
/// [GridH, GridW] reads plane pixel (gy·Stride − Pad + ky, gx·Stride − Pad + kx). Outside the plane a read is
/// zero, or with <c>Clamp</c> the nearest border pixel (replicate padding). conv2d windows its input (grid = output);
/// a transposed convolution windows its output (grid = input).
/// <see cref="Gather"/> lays a band of grid rows out as a patch matrix [Channels·K·K, rows·GridW] (im2col);
/// <see cref="ScatterAdd"/> is its adjoint (col2im), every read becoming an accumulation.
/// </summary>
internal readonly record struct Patches(int Channels, int PlaneH, int PlaneW, int GridH, int GridW, int K, int Stride, int Pad, bool Clamp)
{
    /// <summary>Rows of the patch matrix: one per channel and tap.</summary>
    public int Rows => Channels * K * K;

    public int PlaneLength => PlaneH * PlaneW;

    /// <summary>A 1×1 stride-1 window over a plane the grid's size: the patch matrix is the plane itself.</summary>
    public bool IsIdentity => K == 1 && Stride == 1 && Pad == 0 && PlaneH == GridH && PlaneW == GridW;

    /// <summary>cols[(c·K + ky)·K + kx, (gy − firstRow)·GridW + gx] = plane[c, window read] for gy in the band.</summary>
    public void Gather(ReadOnlySpan<float> plane, int firstRow, int rowCount, Span<float> cols)
    {
        int width = rowCount * GridW;
        for (int c = 0; c < Channels; c++)
            for (int ky = 0; ky < K; ky++)
                for (int kx = 0; kx < K; kx++)
                {
                    var row = cols.Slice(((c * K + ky) * K + kx) * width, width);
                    for (int r = 0; r < rowCount; r++)
                    {
                        var dst = row.Slice(r * GridW, GridW);
                        if (!PlaneRow(firstRow + r, ky, out int py))
                        {
                            dst.Clear();
                            continue;
                        }
                        var src = plane.Slice((c * PlaneH + py) * PlaneW, PlaneW);
                        int offset = kx - Pad;
                        var (first, end) = InsideColumns(offset);
                        if (Stride == 1 && end > first) // an empty range may start past the row's end
                            src.Slice(first + offset, end - first).CopyTo(dst[first..end]);
                        else
                            for (int gx = first; gx < end; gx++)
                                dst[gx] = src[gx * Stride + offset];
                        dst[..first].Fill(Clamp ? src[0] : 0f);
                        dst[end..].Fill(Clamp ? src[^1] : 0f);
                    }
                }
    }

    /// <summary>plane[c, window read] += cols[…]: the adjoint of <see cref="Gather"/> (clamped reads pile onto the border).</summary>
    public void ScatterAdd(ReadOnlySpan<float> cols, int firstRow, int rowCount, Span<float> plane)
    {
        int width = rowCount * GridW;
        for (int c = 0; c < Channels; c++)
            for (int ky = 0; ky < K; ky++)
                for (int kx = 0; kx < K; kx++)
                {
                    var row = cols.Slice(((c * K + ky) * K + kx) * width, width);
                    for (int r = 0; r < rowCount; r++)
                    {
                        if (!PlaneRow(firstRow + r, ky, out int py))
                            continue;
                        var src = row.Slice(r * GridW, GridW);
                        var dst = plane.Slice((c * PlaneH + py) * PlaneW, PlaneW);
                        int offset = kx - Pad;
                        var (first, end) = InsideColumns(offset);
                        if (Stride == 1 && end > first)
                            Add(dst.Slice(first + offset, end - first), src[first..end]);
                        else
                            for (int gx = first; gx < end; gx++)
                                dst[gx * Stride + offset] += src[gx];
                        if (!Clamp)
                            continue;
                        foreach (var v in src[..first])
                            dst[0] += v;
                        foreach (var v in src[end..])
                            dst[^1] += v;
                    }
                }
    }

    /// <summary>The plane row that grid row <paramref name="gy"/> reads with kernel row <paramref name="ky"/>; false when it reads zero padding.</summary>
    private bool PlaneRow(int gy, int ky, out int py)
    {
        py = gy * Stride - Pad + ky;
        if (Clamp)
        {
            py = Math.Clamp(py, 0, PlaneH - 1);
            return true;
        }
        return py >= 0 && py < PlaneH;
    }

    /// <summary>Grid columns [first, end) whose read gx·Stride + offset lies inside the plane row.</summary>
    private (int First, int End) InsideColumns(int offset)
    {
        int first = Math.Min(GridW, offset >= 0 ? 0 : (-offset + Stride - 1) / Stride);
        int last = PlaneW - 1 - offset; // the largest gx·Stride that still reads inside
        int end = last < 0 ? first : Math.Clamp(last / Stride + 1, first, GridW);
        return (first, end);
    }

    private static void Add(Span<float> destination, ReadOnlySpan<float> values)
    {
        int i = 0;
        for (; i + Vector<float>.Count <= values.Length; i += Vector<float>.Count)
            (new Vector<float>(destination[i..]) + new Vector<float>(values[i..])).CopyTo(destination[i..]);
        for (; i < values.Length; i++)
            destination[i] += values[i];
    }
}
