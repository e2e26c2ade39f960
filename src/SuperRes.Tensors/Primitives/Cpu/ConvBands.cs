using System.Buffers;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// How the Cpu convolutions split their work: every image into bands of grid rows whose patch matrix stays in
/// cache, one task per (image, band). Each task writes its own outputs, so results never depend on how many
/// threads run them.
/// </summary>
internal readonly struct ConvBands
{
    // A band's patch matrix is about this many floats (192 KiB): it fits in L2 next to the weights.
    private const int TargetPatchFloats = 48 * 1024;

    // Weight gradients sum over tasks into this many partial sums, then add those in order: a fixed count, not
    // the core count, so the bits do not depend on the machine.
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

    public int Tasks => _images * Bands;

    /// <summary>Floats of one band's patch matrix.</summary>
    public int PatchLength => _patches.Rows * RowsPerBand * _patches.GridW;

    /// <summary>Runs body(image, firstRow, rowCount) for every band, in parallel.</summary>
    public void ForEach(Action<int, int, int> body)
    {
        var self = this;
        Parallel.For(0, Tasks, task => self.Run(task, body));
    }

    /// <summary>
    /// As <see cref="ForEach"/>, for bodies that scatter into the plane: even bands first, then odd ones, so bands
    /// running at once never add into the same plane row, and each plane pixel receives its additions in one order.
    /// </summary>
    public void ForEachScatter(Action<int, int, int> body)
    {
        var self = this;
        for (int parity = 0; parity < 2; parity++)
        {
            int count = self.Bands - parity <= 0 ? 0 : (self.Bands - parity + 1) / 2;
            Parallel.For(0, self._images * count, i => self.Run(i / count * self.Bands + parity + 2 * (i % count), body));
        }
    }

    /// <summary>
    /// result[0, length) = Σ over bands of what body(image, firstRow, rowCount, partial) adds into its partial sum.
    /// </summary>
    public void Reduce(Span<float> result, Action<int, int, int, float[]> body)
    {
        int length = result.Length, slots = Math.Max(1, Math.Min(ReductionSlots, Tasks));
        var partials = new float[slots][];
        var self = this;
        Parallel.For(0, slots, slot =>
        {
            var partial = new float[length];
            for (int task = slot; task < self.Tasks; task += slots)
                self.Run(task, (image, first, rows) => body(image, first, rows, partial));
            partials[slot] = partial;
        });
        partials[0].CopyTo(result);
        for (int slot = 1; slot < slots; slot++)
            for (int i = 0; i < length; i++)
                result[i] += partials[slot][i];
    }

    /// <summary>A scratch buffer for one band's patch matrix; give it back with <see cref="Return"/>.</summary>
    public float[] RentPatch() => ArrayPool<float>.Shared.Rent(PatchLength);

    public static void Return(float[] scratch) => ArrayPool<float>.Shared.Return(scratch);

    private void Run(int task, Action<int, int, int> body)
    {
        int image = task / Bands, band = task % Bands;
        int first = band * RowsPerBand;
        body(image, first, Math.Min(RowsPerBand, _patches.GridH - first));
    }
}
