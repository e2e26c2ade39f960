using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SuperRes.Runtime.Cpu;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The Cpu forward of the transposed convolution, gathered per output pixel. Output pixel (oy, ox) receives
/// w[ci, co, ky, kx]·x[ci, iy, ix] for the taps with oy = iy·Stride − Padding + ky (likewise ox): per block of
/// output pixels, one matrix product gives every tap's sum over ci for the input pixels the block reads (the
/// "columns", weightsᵀ · x, one fused multiply-add per ci in order), then each output pixel adds its own taps'
/// columns in a fixed order (ky, then kx) onto zero and adds the bias. A pixel's bits depend only on the input it
/// reads, never on where it falls in a block, a band or a tile, so a tiled upscale gives the untiled one's bits (a
/// scatter adds each input row's contributions band by band, in an order that depends on where the bands fall).
/// </summary>
internal static class ConvTranspose2dGather
{
    // A block reads about this many input rows and columns: its columns matrix (Cout·K² rows) stays a few MiB, and
    // the rows read twice by neighbouring blocks (K/Stride − 1 of them) cost about a tenth more products.
    private const int InputRowsPerBlock = 48, InputColumnsPerBlock = 256;

    private const int Lanes = 8; // Vector256<float>.Count
    private const int Chunk = 4 * Lanes;

    public static void Forward(ConvTranspose2dGeometry g, float[] x, float[] weight, float[]? bias, float[] y)
    {
        var weightsT = ConvBands.Transpose(weight.AsSpan(0, (int)g.WeightLength), g.Cin, g.Cout * g.K * g.K);
        // Blocks of nearly one size: a thin last block would run its products on a few columns, at a fraction of the speed.
        int down = (g.Ho + InputRowsPerBlock * g.Stride - 1) / (InputRowsPerBlock * g.Stride);
        int across = (g.Wo + InputColumnsPerBlock * g.Stride - 1) / (InputColumnsPerBlock * g.Stride);
        int blockRows = (g.Ho + down - 1) / down;
        int blockColumns = ((g.Wo + across - 1) / across + g.Stride - 1) / g.Stride * g.Stride;
        across = (g.Wo + blockColumns - 1) / blockColumns;
        CpuChunks.ForEachTask(g.N * down * across, task =>
        {
            int n = task / (down * across), by = task / across % down, bx = task % across;
            var block = new Block(g, n, by * blockRows, Math.Min(g.Ho, (by + 1) * blockRows), bx * blockColumns, Math.Min(g.Wo, (bx + 1) * blockColumns));
            block.Run(x, weightsT, bias, y);
        });
    }

    /// <summary>A tap of an output row: where its column for q = 0 lies in the columns matrix, and its input column minus the block's first.</summary>
    private readonly record struct Tap(int Offset, int Shift);

    /// <summary>Output rows [Oy0, Oy1) × columns [Ox0, Ox1) of image N (Ox0 a multiple of the stride), and the input it reads.</summary>
    private readonly struct Block
    {
        private readonly ConvTranspose2dGeometry _g;
        private readonly int _n, _oy0, _oy1, _ox0, _ox1;
        private readonly int _iy0, _inRows, _ix0, _inColumns;

        public Block(ConvTranspose2dGeometry g, int n, int oy0, int oy1, int ox0, int ox1)
        {
            (_g, _n, _oy0, _oy1, _ox0, _ox1) = (g, n, oy0, oy1, ox0, ox1);
            // Input rows reached by some tap of an output row in the block, clipped to the input.
            _iy0 = Math.Max(0, oy0 + g.Padding - g.K + 1) / g.Stride;
            _inRows = Math.Max(0, Math.Min(g.H, (oy1 - 1 + g.Padding) / g.Stride + 1) - _iy0);
            _ix0 = Math.Max(0, ox0 + g.Padding - g.K + 1) / g.Stride;
            _inColumns = Math.Max(0, Math.Min(g.W, (ox1 - 1 + g.Padding) / g.Stride + 1) - _ix0);
        }

        private int TapRows => _g.Cout * _g.K * _g.K;

        private int TapLength => _inRows * _inColumns;

        public void Run(float[] x, float[] weightsT, float[]? bias, float[] y)
        {
            var columns = ArrayPool<float>.Shared.Rent(Math.Max(1, TapRows * TapLength));
            int plane = _g.H * _g.W;
            // columns[tap, r, c] = Σ_ci w[ci, tap]·x[ci, iy0 + r, ix0 + c], one input row at a time.
            for (int r = 0; r < _inRows; r++)
                CpuGemm.Multiply(TapRows, _inColumns, _g.Cin, weightsT, _g.Cin, x.AsSpan((_n * _g.Cin * _g.H + _iy0 + r) * _g.W + _ix0), plane,
                    columns.AsSpan(r * _inColumns), TapLength, accumulate: false);
            var taps = ArrayPool<Tap>.Shared.Rent(_g.K * _g.K);
            for (int co = 0; co < _g.Cout; co++)
            {
                float b = bias?[co] ?? 0f;
                for (int oy = _oy0; oy < _oy1; oy++)
                {
                    var output = y.AsSpan(((_n * _g.Cout + co) * _g.Ho + oy) * _g.Wo);
                    for (int rx = 0; rx < _g.Stride && _ox0 + rx < _ox1; rx++)
                        Row(columns, taps, co, oy, rx, b, output);
                }
            }
            ArrayPool<Tap>.Shared.Return(taps);
            ArrayPool<float>.Shared.Return(columns);
        }

        /// <summary>
        /// Output columns ox = Ox0 + rx + Stride·q of row oy: the sum of its taps' columns in (ky, kx) order, plus
        /// the bias. Each tap is an offset into the columns for q = 0; taps reading outside the input are skipped.
        /// </summary>
        private void Row(float[] columns, Tap[] taps, int co, int oy, int rx, float bias, Span<float> output)
        {
            int s = _g.Stride, count = 0, shiftLow = int.MaxValue, shiftHigh = int.MinValue;
            int ky0 = (oy + _g.Padding) % s, kx0 = (_ox0 + rx + _g.Padding) % s;
            for (int ky = ky0; ky < _g.K; ky += s)
            {
                int iy = (oy + _g.Padding - ky) / s; // exact: the tap's phase matches the row's
                if (iy < 0 || iy >= _g.H)
                    continue;
                for (int kx = kx0; kx < _g.K; kx += s)
                {
                    // Input column of q = 0, relative to the block's first: ix = ox0/s + (rx + Padding − kx)/s + q.
                    int shift = (_ox0 + rx + _g.Padding - kx) / s - _ix0;
                    taps[count++] = new Tap(((co * _g.K + ky) * _g.K + kx) * TapLength + (iy - _iy0) * _inColumns + shift, shift);
                    shiftLow = Math.Min(shiftLow, shift);
                    shiftHigh = Math.Max(shiftHigh, shift);
                }
            }
            int outputs = (_ox1 - _ox0 - rx + s - 1) / s;
            // q inside for every tap: 0 ≤ ix < W, i.e. -shift - ix0 ≤ q < W - ix0 - shift (the block's columns cover them).
            int first = Math.Max(0, -shiftLow - _ix0), end = Math.Min(outputs, _g.W - _ix0 - shiftHigh);
            var used = taps.AsSpan(0, count);
            int q = 0;
            if (count > 0 && end > first)
            {
                for (; q < first; q++)
                    output[_ox0 + rx + s * q] = bias + Edge(columns, used, q);
                for (; q + Chunk <= end; q += Chunk)
                    Inside(columns, used, q, output, _ox0 + rx, s, bias);
            }
            for (; q < outputs; q++)
                output[_ox0 + rx + s * q] = bias + Edge(columns, used, q);
        }

        /// <summary>Output q where some taps read outside the input: those are skipped, the rest added in order.</summary>
        private float Edge(float[] columns, ReadOnlySpan<Tap> taps, int q)
        {
            float sum = 0;
            foreach (var tap in taps)
            {
                int ix = _ix0 + tap.Shift + q;
                if (ix >= 0 && ix < _g.W)
                    sum += columns[tap.Offset + q];
            }
            return sum;
        }

        /// <summary>Outputs q … q + 31, inside for every tap: four vectors summed tap by tap, in <see cref="Edge"/>'s order.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Inside(float[] columns, ReadOnlySpan<Tap> taps, int q, Span<float> output, int start, int s, float bias)
        {
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            ref float c0 = ref MemoryMarshal.GetArrayDataReference(columns);
            foreach (var tap in taps)
            {
                ref float source = ref Unsafe.Add(ref c0, tap.Offset + q);
                a0 += Vector256.LoadUnsafe(ref source);
                a1 += Vector256.LoadUnsafe(ref source, Lanes);
                a2 += Vector256.LoadUnsafe(ref source, 2 * Lanes);
                a3 += Vector256.LoadUnsafe(ref source, 3 * Lanes);
            }
            Span<float> sums = stackalloc float[Chunk];
            a0.StoreUnsafe(ref sums[0]);
            a1.StoreUnsafe(ref sums[0], Lanes);
            a2.StoreUnsafe(ref sums[0], 2 * Lanes);
            a3.StoreUnsafe(ref sums[0], 3 * Lanes);
            for (int i = 0; i < Chunk; i++)
                output[start + s * (q + i)] = bias + sums[i];
        }
    }
}
