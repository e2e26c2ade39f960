using System.Buffers;
using System.Numerics;
using SuperRes.Runtime.Cpu;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The three products every Cpu convolution and its gradients reduce to, over the windows of <see cref="Patches"/>:
/// weights times a patch matrix (<see cref="Correlate"/>), its adjoint (<see cref="Spread"/>), and a matrix times
/// a patch matrix transposed (<see cref="CorrelationGradient"/>). Work is split into bands of grid rows whose patch
/// matrix stays in cache, one task per (image, band); each task writes its own outputs and reductions run in a fixed
/// order, so the bits never depend on the thread count.
/// </summary>
internal readonly struct ConvBands
{
    // A band's patch matrix is about this many floats (192 KiB): it fits in L2 next to the weights.
    private const int TargetPatchFloats = 48 * 1024;

    // Gradients sum over tasks into this many partial sums, then add those in order: a fixed count, not the core
    // count, so the bits do not depend on the machine.
    private const int ReductionSlots = 8;

    private readonly Patches _patches;
    private readonly int _images;

    public ConvBands(Patches patches, int images)
    {
        _patches = patches;
        _images = images;
        // Bands of ⌈K/Stride⌉ rows or more keep band b and b + 2 on disjoint plane rows (see ForEachScatter).
        int minRows = (patches.K + patches.Stride - 1) / patches.Stride;
        int rows = TargetPatchFloats / Math.Max(1, patches.Rows * patches.GridW);
        RowsPerBand = Math.Clamp(rows, Math.Min(minRows, patches.GridH), Math.Max(1, patches.GridH));
        Bands = patches.GridH == 0 ? 0 : (patches.GridH + RowsPerBand - 1) / RowsPerBand;
    }

    public int RowsPerBand { get; }

    public int Bands { get; }

    private int Tasks => _images * Bands;

    private int GridPlane => _patches.GridH * _patches.GridW;

    private int PlaneImage => _patches.Channels * _patches.PlaneLength;

    /// <summary>output[n] (+)= weights[m × Rows] · patches(plane[n]): output is [N, m, GridH, GridW].</summary>
    public void Correlate(float[] plane, float[] weights, int m, float[] output, bool accumulate)
    {
        var self = this;
        ForEach((n, firstRow, rows, cols) => self.Product(plane, weights, m, output, accumulate, n, firstRow, rows, cols), scatters: false);
    }

    /// <summary>
    /// output[n] = the epilogue of weights · patches(plane[n]) (no pixel shuffle): each band's rows start as the bias,
    /// take the product and then the activation and residual while they are in cache, the same operations in the
    /// same order as a bias fill, <see cref="Correlate"/> and a pass of <see cref="ConvEpilogue.ApplyInPlace"/>.
    /// </summary>
    public void CorrelateFused(float[] plane, float[] weights, int m, float[] output, ConvEpilogue epilogue)
    {
        var self = this;
        var (bias, rest, gridPlane, gridW) = (epilogue.Bias, epilogue with { Bias = null }, GridPlane, _patches.GridW);
        ForEach((n, firstRow, rows, cols) =>
        {
            int col = firstRow * gridW, width = rows * gridW;
            if (bias is not null)
                for (int c = 0; c < m; c++)
                    output.AsSpan((n * m + c) * gridPlane + col, width).Fill(bias[c]);
            self.Product(plane, weights, m, output, accumulate: bias is not null, n, firstRow, rows, cols);
            if (!rest.IsBiasOnly)
                for (int c = 0; c < m; c++)
                    rest.ApplyInPlace(c, output.AsSpan((n * m + c) * gridPlane + col, width), (n * m + c) * gridPlane + col);
        }, scatters: false);
    }

    /// <summary>One band's product: output[n, :, firstRow … firstRow + rows) (+)= weights · the band's patches.</summary>
    private void Product(float[] plane, float[] weights, int m, float[] output, bool accumulate, int n, int firstRow, int rows, float[] cols)
    {
        var p = _patches;
        int col = firstRow * p.GridW, width = rows * p.GridW;
        var source = plane.AsSpan(n * PlaneImage, PlaneImage);
        var destination = output.AsSpan(n * m * GridPlane + col);
        if (p.IsIdentity)
        {
            CpuGemm.Multiply(m, width, p.Rows, weights, p.Rows, source[col..], GridPlane, destination, GridPlane, accumulate);
            return;
        }
        p.Gather(source, firstRow, rows, cols);
        CpuGemm.Multiply(m, width, p.Rows, weights, p.Rows, cols, width, destination, GridPlane, accumulate);
    }

    /// <summary>
    /// plane[n] += the adjoint of patches applied to weightsT[Rows × m] · source[n], source being [N, m, GridH, GridW]:
    /// each window's column is added back onto the pixels it reads.
    /// </summary>
    public void Spread(float[] source, float[] weightsT, int m, float[] plane)
    {
        var (p, gridPlane, planeImage) = (_patches, GridPlane, PlaneImage);
        ForEach((n, firstRow, rows, cols) =>
        {
            int col = firstRow * p.GridW, width = rows * p.GridW;
            CpuGemm.Multiply(p.Rows, width, m, weightsT, m, source.AsSpan(n * m * gridPlane + col), gridPlane, cols, width, accumulate: false);
            p.ScatterAdd(cols, firstRow, rows, plane.AsSpan(n * planeImage, planeImage));
        }, scatters: true);
    }

    /// <summary>result[m × Rows] = Σ over images of source[n] · patches(plane[n])ᵀ, source being [N, m, GridH, GridW].</summary>
    public void CorrelationGradient(float[] source, int m, float[] plane, Span<float> result)
    {
        var (p, gridPlane, planeImage) = (_patches, GridPlane, PlaneImage);
        int length = m * p.Rows, slots = Math.Max(1, Math.Min(ReductionSlots, Tasks));
        var partials = new float[slots][];
        var self = this;
        CpuChunks.ForEachTask(slots, slot =>
        {
            var partial = new float[length];
            var cols = ArrayPool<float>.Shared.Rent(self.PatchLength);
            for (int task = slot; task < self.Tasks; task += slots)
            {
                var (n, firstRow, rows) = self.Band(task);
                int col = firstRow * p.GridW, width = rows * p.GridW;
                var rowsOfSource = source.AsSpan(n * m * gridPlane + col);
                var image = plane.AsSpan(n * planeImage, planeImage);
                if (p.IsIdentity)
                {
                    CpuGemm.MultiplyTransposed(m, p.Rows, width, rowsOfSource, gridPlane, image[col..], gridPlane, partial, p.Rows, accumulate: true);
                    continue;
                }
                p.Gather(image, firstRow, rows, cols);
                CpuGemm.MultiplyTransposed(m, p.Rows, width, rowsOfSource, gridPlane, cols, width, partial, p.Rows, accumulate: true);
            }
            ArrayPool<float>.Shared.Return(cols);
            partials[slot] = partial;
        });
        partials[0].CopyTo(result);
        for (int slot = 1; slot < slots; slot++)
            for (int i = 0; i < length; i++)
                result[i] += partials[slot][i];
    }

    /// <summary>gb[c] = Σ over images and the plane of gy[n, c]: per image a vector sum, the images added in order in double.</summary>
    public static void BiasGradient(float[] gy, int images, int channels, int plane, float[] gb) =>
        CpuChunks.ForEachTask(channels, c =>
        {
            double sum = 0;
            for (int n = 0; n < images; n++)
                sum += Sum(gy.AsSpan((n * channels + c) * plane, plane));
            gb[c] = (float)sum;
        });

    /// <summary>The [columns × rows] transpose of a row-major [rows × columns] matrix.</summary>
    public static float[] Transpose(ReadOnlySpan<float> matrix, int rows, int columns)
    {
        var result = new float[rows * columns];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                result[c * rows + r] = matrix[r * columns + c];
        return result;
    }

    /// <summary>Σ values: a vector sum, then its lanes, then the tail (the bias gradient's per-plane sum).</summary>
    public static float Sum(ReadOnlySpan<float> values)
    {
        int i = 0;
        var acc = Vector<float>.Zero;
        for (; i + Vector<float>.Count <= values.Length; i += Vector<float>.Count)
            acc += new Vector<float>(values[i..]);
        float sum = Vector.Sum(acc);
        for (; i < values.Length; i++)
            sum += values[i];
        return sum;
    }

    private int PatchLength => _patches.Rows * RowsPerBand * _patches.GridW;

    /// <summary>
    /// Runs body(image, firstRow, rowCount, scratch) for every band in parallel. Bodies that scatter into the plane run
    /// even bands first, then odd ones: bands running at once never add into the same plane row, and each plane pixel
    /// receives its additions in one order.
    /// </summary>
    private void ForEach(Action<int, int, int, float[]> body, bool scatters)
    {
        var self = this;
        void Run(int task)
        {
            var (n, firstRow, rows) = self.Band(task);
            var cols = ArrayPool<float>.Shared.Rent(self.PatchLength);
            body(n, firstRow, rows, cols);
            ArrayPool<float>.Shared.Return(cols);
        }
        if (!scatters)
        {
            CpuChunks.ForEachTask(Tasks, Run);
            return;
        }
        for (int parity = 0; parity < 2; parity++)
        {
            int count = (Bands - parity + 1) / 2, bands = Bands, first = parity;
            if (count > 0)
                CpuChunks.ForEachTask(_images * count, i => Run(i / count * bands + first + 2 * (i % count)));
        }
    }

    private (int Image, int FirstRow, int Rows) Band(int task)
    {
        int image = task / Bands, first = task % Bands * RowsPerBand;
        return (image, first, Math.Min(RowsPerBand, _patches.GridH - first));
    }
}
