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
        // The shifted copy needs every tap to keep part of a row (|offset| ≤ Pad < PlaneW): a 9×9 head on a plane
        // 3 wide reads whole rows of padding.
        if (Stride == 1 && PlaneW == GridW && !Clamp && Pad < PlaneW)
        {
            GatherShifted(plane, firstRow, rowCount, cols);
            return;
        }
        var rows = new GatherRows(this, plane, cols);
        ForEachRow(firstRow, rowCount, ref rows);
    }

    // Stride 1, zero padding, a grid as wide as the plane: a patch row (c, ky, kx) over the band is the band's plane
    // rows read from one shifted start, so it is one copy; the columns that read past a row's ends are then zeroed.
    // Same values as the row-by-row path, with a few calls per tap instead of one per tap and grid row.
    private void GatherShifted(ReadOnlySpan<float> plane, int firstRow, int rowCount, Span<float> cols)
    {
        int w = PlaneW, width = rowCount * w;
        for (int c = 0; c < Channels; c++)
            for (int ky = 0; ky < K; ky++)
            {
                // Grid rows r whose plane row firstRow + r + ky − Pad lies inside the plane.
                int inside0 = Math.Clamp(Pad - ky - firstRow, 0, rowCount);
                int inside1 = Math.Clamp(PlaneH + Pad - ky - firstRow, inside0, rowCount);
                for (int kx = 0; kx < K; kx++)
                {
                    int offset = kx - Pad;
                    var dst = cols.Slice(((c * K + ky) * K + kx) * width, width);
                    dst[..(inside0 * w)].Clear();
                    dst[(inside1 * w)..].Clear();
                    if (inside1 == inside0)
                        continue;
                    int start = (c * PlaneH + firstRow + inside0 + ky - Pad) * w + offset, length = (inside1 - inside0) * w;
                    int low = Math.Max(start, c * PlaneLength), high = Math.Min(start + length, (c + 1) * PlaneLength);
                    plane[low..high].CopyTo(dst[(inside0 * w + low - start)..]);
                    var (first, end) = InsideColumns(offset);
                    if (first == 0 && end == w)
                        continue;
                    for (int r = inside0; r < inside1; r++)
                    {
                        dst.Slice(r * w, first).Clear();
                        dst.Slice(r * w + end, w - end).Clear();
                    }
                }
            }
    }

    /// <summary>plane[c, window read] += cols[…]: the adjoint of <see cref="Gather"/> (clamped reads pile onto the border).</summary>
    public void ScatterAdd(ReadOnlySpan<float> cols, int firstRow, int rowCount, Span<float> plane)
    {
        var rows = new ScatterRows(this, cols, plane);
        ForEachRow(firstRow, rowCount, ref rows);
    }

    /// <summary>What happens to one patch-matrix row segment (GridW columns) and the plane row it reads (−1: padding).</summary>
    private interface IRowVisitor
    {
        void Row(int patchStart, int planeStart, int offset, int first, int end);
    }

    /// <summary>Visits the segments of a band's patch matrix; grid column gx reads plane column gx·Stride + offset,
    /// which lies inside the row for gx in [first, end).</summary>
    private void ForEachRow<TVisitor>(int firstRow, int rowCount, scoped ref TVisitor visitor)
        where TVisitor : IRowVisitor, allows ref struct
    {
        int width = rowCount * GridW;
        for (int c = 0; c < Channels; c++)
            for (int ky = 0; ky < K; ky++)
                for (int kx = 0; kx < K; kx++)
                {
                    int offset = kx - Pad;
                    var (first, end) = InsideColumns(offset);
                    for (int r = 0; r < rowCount; r++)
                    {
                        int planeStart = PlaneRow(firstRow + r, ky, out int py) ? (c * PlaneH + py) * PlaneW : -1;
                        visitor.Row(((c * K + ky) * K + kx) * width + r * GridW, planeStart, offset, first, end);
                    }
                }
    }

    private ref struct GatherRows(Patches patches, ReadOnlySpan<float> plane, Span<float> cols) : IRowVisitor
    {
        private readonly Patches _p = patches;
        private readonly ReadOnlySpan<float> _plane = plane;
        private readonly Span<float> _cols = cols;

        public readonly void Row(int patchStart, int planeStart, int offset, int first, int end)
        {
            var dst = _cols.Slice(patchStart, _p.GridW);
            if (planeStart < 0)
            {
                dst.Clear();
                return;
            }
            var src = _plane.Slice(planeStart, _p.PlaneW);
            if (_p.Stride == 1 && end > first) // an empty range may start past the row's end
                src.Slice(first + offset, end - first).CopyTo(dst[first..end]);
            else
                for (int gx = first; gx < end; gx++)
                    dst[gx] = src[gx * _p.Stride + offset];
            dst[..first].Fill(_p.Clamp ? src[0] : 0f);
            dst[end..].Fill(_p.Clamp ? src[^1] : 0f);
        }
    }

    private ref struct ScatterRows(Patches patches, ReadOnlySpan<float> cols, Span<float> plane) : IRowVisitor
    {
        private readonly Patches _p = patches;
        private readonly ReadOnlySpan<float> _cols = cols;
        private readonly Span<float> _plane = plane;

        public readonly void Row(int patchStart, int planeStart, int offset, int first, int end)
        {
            if (planeStart < 0)
                return;
            var src = _cols.Slice(patchStart, _p.GridW);
            var dst = _plane.Slice(planeStart, _p.PlaneW);
            if (_p.Stride == 1 && end > first)
                Add(dst.Slice(first + offset, end - first), src[first..end]);
            else
                for (int gx = first; gx < end; gx++)
                    dst[gx * _p.Stride + offset] += src[gx];
            if (!_p.Clamp)
                return;
            foreach (var v in src[..first])
                dst[0] += v;
            foreach (var v in src[end..])
                dst[^1] += v;
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
