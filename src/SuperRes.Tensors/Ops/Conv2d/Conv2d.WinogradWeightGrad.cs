using System.Buffers;
using System.Runtime.Intrinsics;
using static SuperRes.Tensors.Primitives.WinogradGradientProducts;
using static SuperRes.Tensors.Primitives.WinogradGradientTransforms;
using static SuperRes.Tensors.Primitives.WinogradTransforms;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The weight gradient of a 3×3 stride-1 conv2d on the Cpu by F(4×4, 3×3) (<see cref="WinogradGradientTransforms"/>):
/// per block of 32 tiles of one image, the input tiles (read and transformed as the forward does) and the
/// output-gradient tiles are transformed to 6×6, and 36 products [Cout × tiles]·[tiles × Cin] accumulate the
/// per-element sums: 36 multiplies per tile and channel pair instead of 144. Consecutive runs of blocks (neighbours in
/// memory) go to a fixed number of partial sums, added in order in float64 before the final transform: the bits
/// depend neither on the core count nor on the vector width.
/// </summary>
internal static class Conv2dWinogradWeightGrad
{
    // Fixed, not the core count: the bits must not depend on the machine.
    private const int ReductionSlots = 8;

    // Tiles per block: the depth of each product. 32 measured 8–10 % faster than 64 (a block's transformed tiles then
    // stay in L2) at 64→64 and 32→32 on 16×48².
    private const int BlockTiles = 32;

    /// <summary>
    /// Whether this path is the faster one: 3×3 stride 1 with at least 32 input channels, whatever the output count.
    /// Measured in CPU time on 16 images (docs/performance.md): 1.9–2.0× faster than the banded GEMM at 64→64 and
    /// 64→256 on 48², and since the vector output-gradient reads and AVX-512 products also 1.8–2.3× faster at 64→3,
    /// 64→1, 32→3 and 32→8 on 96² (EDSR's tail), where the input transforms dominate. (Unlike the forward's, a
    /// weight gradient's rounding never reaches an upscaled image.)
    /// </summary>
    public static bool IsFaster(Conv2dShape s) => Conv2dWinograd.Applies(s) && s.Cin >= 32;

    /// <summary>gw[co, ci, ky, kx] = Σ over images and pixels of gy[n, co, y, x] · x_padded[n, ci, y + ky − 1, x + kx − 1].</summary>
    public static void WeightGrad(Conv2dShape s, float[] x, float[] gy, Span<float> gw, WinogradLanes lanes = WinogradLanes.Widest)
    {
        if (!Conv2dWinograd.Applies(s))
            throw new ArgumentException($"Winograd conv2d weight gradient: {s} is not 3×3 stride 1");
        var result = ArrayPool<float>.Shared.Rent((int)s.WeightLength); // gw is a span: the tasks write here, then it is copied in
        switch (lanes == WinogradLanes.Widest ? Widest : lanes)
        {
            case WinogradLanes.Vector512:
                Run<Lanes512, Vector512<float>>(s, x, gy, result);
                break;
            case WinogradLanes.Vector256:
                Run<Lanes256, Vector256<float>>(s, x, gy, result);
                break;
            default:
                Run<LanesScalar, float>(s, x, gy, result);
                break;
        }
        result.AsSpan(0, (int)s.WeightLength).CopyTo(gw);
        ArrayPool<float>.Shared.Return(result);
    }

    private static void Run<TLanes, TVector>(Conv2dShape s, float[] x, float[] gy, float[] gw)
        where TLanes : ILanes<TVector> where TVector : struct
    {
        var block = new BlockShape(s, new TileGrid(s));
        int blocks = (block.Grid.Count + BlockTiles - 1) / BlockTiles, tasks = s.N * blocks;
        int rows = PaddedRows(s.Cout), columns = PaddedColumns(s.Cin);
        int slots = Math.Min(ReductionSlots, tasks), products = Elements * rows * columns;
        var partials = new float[slots][];
        CpuChunks.ForEachTask(slots, slot =>
        {
            var partial = ArrayPool<float>.Shared.Rent(products);
            partial.AsSpan(0, products).Clear();
            var scratch = ArrayPool<float>.Shared.Rent(block.ScratchFloats);
            scratch.AsSpan(0, block.ScratchFloats).Clear(); // the padding rows and columns stay zero
            for (int task = slot * tasks / slots; task < (slot + 1) * tasks / slots; task++)
            {
                int n = task / blocks, first = task % blocks * BlockTiles;
                RunBlock<TLanes, TVector>(block, x, gy, n, first, Math.Min(BlockTiles, block.Grid.Count - first), scratch, partial);
            }
            ArrayPool<float>.Shared.Return(scratch);
            partials[slot] = partial;
        });
        CpuChunks.ForEachTask(s.Cout, co => Finish(s, partials, rows, columns, co, gw));
        foreach (var partial in partials)
            ArrayPool<float>.Shared.Return(partial);
    }

    // gw[co, ci] = Gᵀ·(Σ over the slots, in order, in float64)·G for 16 input channels at a time (columns are padded
    // to 32, so whole vectors of partial sums can be read; the padding channels are dropped).
    private static void Finish(Conv2dShape s, float[][] partials, int rows, int columns, int co, float[] gw)
    {
        Span<Vector512<double>> low = stackalloc Vector512<double>[Elements];
        Span<Vector512<double>> high = stackalloc Vector512<double>[Elements];
        Span<Vector512<double>> taps = stackalloc Vector512<double>[9];
        for (int first = 0; first < s.Cin; first += 16)
        {
            for (int e = 0; e < Elements; e++)
            {
                Vector512<double> lower = Vector512<double>.Zero, upper = Vector512<double>.Zero;
                foreach (var partial in partials)
                {
                    var (a, b) = Vector512.Widen(Vector512.Create(partial.AsSpan((e * rows + co) * columns + first, 16)));
                    lower += a;
                    upper += b;
                }
                low[e] = lower;
                high[e] = upper;
            }
            for (int half = 0; half < 2; half++)
            {
                WeightGradients(half == 0 ? low : high, taps);
                for (int lane = 0; lane < 8 && first + 8 * half + lane < s.Cin; lane++)
                {
                    int ci = first + 8 * half + lane;
                    for (int k = 0; k < 9; k++)
                        gw[(co * s.Cin + ci) * 9 + k] = (float)taps[k].GetElement(lane);
                }
            }
        }
    }

    /// <summary>The sizes of one block's work and where its scratch buffers sit.</summary>
    private readonly record struct BlockShape(Conv2dShape S, TileGrid Grid)
    {
        private const int Vector = 16; // the widest lanes: room for any width's tile vectors

        public int Padded => Grid.PaddedLength(BlockTiles / Grid.Across + 2);
        // One vector more than the matrices between elements: strides of a power of two (64 channels × 32 tiles,
        // 8 KiB) put all 36 elements of a tile in one L1 set.
        public int InputStride => S.Cin * BlockTiles + Vector;
        public int GradientStride => Rows * BlockTiles + Vector;
        public int Input => Elements * InputStride;
        public int Rows => PaddedRows(S.Cout);
        public int Columns => PaddedColumns(S.Cin);
        public int Gradient => Elements * GradientStride;
        public int Transposed => BlockTiles * Columns;
        public int ScratchFloats => Padded + Input + Gradient + Transposed + 2 * Elements * Vector;
    }

    private static void RunBlock<TLanes, TVector>(BlockShape b, float[] x, float[] gy, int n, int first, int count,
        float[] scratch, float[] partial)
        where TLanes : ILanes<TVector> where TVector : struct
    {
        var s = b.S;
        int plane = s.H * s.W, width = BlockTiles, lanes = TLanes.Count;
        int firstTileRow = first / b.Grid.Across, tileRows = (first + count - 1) / b.Grid.Across - firstTileRow + 1;
        var padded = scratch.AsSpan(0, b.Padded);
        var v = scratch.AsSpan(b.Padded, b.Input);
        var z = scratch.AsSpan(b.Padded + b.Input, b.Gradient);
        var vt = scratch.AsSpan(b.Padded + b.Input + b.Gradient, b.Transposed);
        var d = scratch.AsSpan(b.Padded + b.Input + b.Gradient + b.Transposed, Elements * 16);
        var transformScratch = scratch.AsSpan(b.Padded + b.Input + b.Gradient + b.Transposed + Elements * 16, Elements * 16);
        bool paddingZeroed = b.Grid.ZeroPadding(padded);
        for (int ci = 0; ci < s.Cin; ci++)
        {
            if (ci + 1 < s.Cin)
                b.Grid.Prefetch(x.AsSpan((n * s.Cin + ci + 1) * plane, plane), firstTileRow, tileRows, halo: true);
            b.Grid.Pad(x.AsSpan((n * s.Cin + ci) * plane, plane), firstTileRow, tileRows, padded, paddingZeroed);
            for (int t = 0; t < width; t += lanes)
            {
                b.Grid.Read<TLanes, TVector>(padded, firstTileRow, first + t, Math.Clamp(count - t, 0, lanes), d);
                Input<TLanes, TVector>(ref d[0], ref transformScratch[0], ref v[ci * width + t], b.InputStride);
            }
        }
        for (int co = 0; co < s.Cout; co++)
        {
            if (co + 1 < s.Cout)
                b.Grid.Prefetch(gy.AsSpan((n * s.Cout + co + 1) * plane, plane), firstTileRow, tileRows, halo: false);
            var gradient = gy.AsSpan((n * s.Cout + co) * plane, plane);
            for (int t = 0; t < width; t += lanes)
            {
                b.Grid.ReadOutput<TLanes, TVector>(gradient, first + t, Math.Clamp(count - t, 0, lanes), d);
                OutputGradient<TLanes, TVector>(ref d[0], ref transformScratch[0], ref z[co * width + t], b.GradientStride);
            }
        }
        for (int e = 0; e < Elements; e++)
        {
            WinogradGradientProducts.Transpose(v.Slice(e * b.InputStride, s.Cin * width), s.Cin, width, vt, b.Columns);
            WinogradGradientProducts.Accumulate<TLanes, TVector>(b.Rows, b.Columns, width, z.Slice(e * b.GradientStride, b.Rows * width), vt,
                partial.AsSpan(e * b.Rows * b.Columns, b.Rows * b.Columns));
        }
    }
}
