using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SuperRes.Runtime.Cpu;
using static SuperRes.Tensors.Primitives.WinogradGradientTransforms;
using static SuperRes.Tensors.Primitives.WinogradTransforms;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The weight gradient of a 3×3 stride-1 conv2d on the Cpu by F(4×4, 3×3) (<see cref="WinogradGradientTransforms"/>):
/// per block of 32 tiles of one image, the input tiles (read and transformed as the forward does) and the
/// output-gradient tiles are transformed to 6×6, and 36 products [Cout × tiles]·[tiles × Cin] accumulate the
/// per-element sums: 36 multiplies per tile and channel pair instead of 144. Blocks go round-robin to a fixed number
/// of partial sums, added in order in float64 before the final transform: the bits depend neither on the core count
/// nor on the vector width.
/// </summary>
internal static class Conv2dWinogradWeightGrad
{
    // Fixed, not the core count: the bits must not depend on the machine.
    private const int ReductionSlots = 8;

    // Tiles per block: the depth of each product. 32 measured 8–10 % faster than 64 (a block's transformed tiles then
    // stay in L2) at 64→64 and 32→32 on 16×48².
    private const int BlockTiles = 32;

    /// <summary>
    /// Whether this path is the faster one: 3×3 stride 1 with at least 32 input and 32 output channels. Measured in CPU
    /// time on 16 images of 48² (docs/performance.md): 1.9–2.0× faster than the banded GEMM at 64→64 and 64→256, 1.4×
    /// at 32→32; slower for EDSR's 64→3 tail (96²), whose 3 output channels leave the input transforms nothing to
    /// amortise them over. (Unlike the forward's, a weight gradient's rounding never reaches an upscaled image.)
    /// </summary>
    public static bool IsFaster(Conv2dShape s) => Conv2dWinograd.Applies(s) && s.Cin >= 32 && s.Cout >= 32;

    /// <summary>gw[co, ci, ky, kx] = Σ over images and pixels of gy[n, co, y, x] · x_padded[n, ci, y + ky − 1, x + kx − 1].</summary>
    public static void WeightGrad(Conv2dShape s, float[] x, float[] gy, Span<float> gw, WinogradLanes lanes = WinogradLanes.Widest)
    {
        if (!Conv2dWinograd.Applies(s))
            throw new ArgumentException($"Winograd conv2d weight gradient: {s} is not 3×3 stride 1");
        var result = new float[s.WeightLength]; // gw is a span: the tasks write here, then it is copied in
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
        result.CopyTo(gw);
    }

    private static void Run<TLanes, TVector>(Conv2dShape s, float[] x, float[] gy, float[] gw)
        where TLanes : ILanes<TVector> where TVector : struct
    {
        var block = new BlockShape(s, new TileGrid(s));
        int blocks = (block.Grid.Count + BlockTiles - 1) / BlockTiles, tasks = s.N * blocks;
        int slots = Math.Min(ReductionSlots, tasks), products = Elements * s.Cout * s.Cin;
        var partials = new float[slots][];
        CpuChunks.ForEachTask(slots, slot =>
        {
            var partial = ArrayPool<float>.Shared.Rent(products);
            partial.AsSpan(0, products).Clear();
            var scratch = ArrayPool<float>.Shared.Rent(block.ScratchFloats);
            for (int task = slot; task < tasks; task += slots)
            {
                int n = task / blocks, first = task % blocks * BlockTiles;
                RunBlock<TLanes, TVector>(block, x, gy, n, first, Math.Min(BlockTiles, block.Grid.Count - first), scratch, partial);
            }
            ArrayPool<float>.Shared.Return(scratch);
            partials[slot] = partial;
        });
        CpuChunks.ForEachTask(s.Cout, co =>
        {
            Span<double> m = stackalloc double[Elements];
            for (int ci = 0; ci < s.Cin; ci++)
            {
                for (int e = 0; e < Elements; e++)
                {
                    double sum = 0;
                    foreach (var partial in partials)
                        sum += partial[(e * s.Cout + co) * s.Cin + ci];
                    m[e] = sum;
                }
                WeightGradient(m, gw.AsSpan((co * s.Cin + ci) * 9, 9));
            }
        });
        foreach (var partial in partials)
            ArrayPool<float>.Shared.Return(partial);
    }

    /// <summary>The sizes of one block's work and where its scratch buffers sit.</summary>
    private readonly record struct BlockShape(Conv2dShape S, TileGrid Grid)
    {
        private const int Vector = 16; // the widest lanes: room for any width's tile vectors

        public int Padded => Grid.PaddedLength(BlockTiles / Grid.Across + 2);
        public int Input => Elements * S.Cin * BlockTiles;
        public int Gradient => Elements * S.Cout * BlockTiles;
        public int ScratchFloats => Padded + Input + Gradient + BlockTiles * S.Cin + 2 * Elements * Vector;
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
        var vt = scratch.AsSpan(b.Padded + b.Input + b.Gradient, width * s.Cin);
        var d = scratch.AsSpan(b.Padded + b.Input + b.Gradient + width * s.Cin, Elements * 16);
        var transformScratch = scratch.AsSpan(b.Padded + b.Input + b.Gradient + width * s.Cin + Elements * 16, Elements * 16);
        for (int ci = 0; ci < s.Cin; ci++)
        {
            b.Grid.Pad(x.AsSpan((n * s.Cin + ci) * plane, plane), firstTileRow, tileRows, padded);
            for (int t = 0; t < width; t += lanes)
            {
                b.Grid.Read<TLanes, TVector>(padded, firstTileRow, first + t, Math.Clamp(count - t, 0, lanes), d);
                Input<TLanes, TVector>(ref d[0], ref transformScratch[0], ref v[ci * width + t], s.Cin * width);
            }
        }
        for (int co = 0; co < s.Cout; co++)
        {
            var gradient = gy.AsSpan((n * s.Cout + co) * plane, plane);
            for (int t = 0; t < width; t += lanes)
            {
                ReadOutputTiles(b.Grid, s, gradient, first + t, Math.Clamp(count - t, 0, lanes), lanes, d);
                OutputGradient<TLanes, TVector>(ref d[0], ref transformScratch[0], ref z[co * width + t], s.Cout * width);
            }
        }
        for (int e = 0; e < Elements; e++)
        {
            Transpose(v.Slice(e * s.Cin * width, s.Cin * width), s.Cin, width, vt);
            CpuGemm.Multiply(s.Cout, s.Cin, width, z[(e * s.Cout * width)..], width, vt, s.Cin, partial.AsSpan(e * s.Cout * s.Cin), s.Cin, accumulate: true);
        }
    }

    /// <summary>d[(a·4 + b) · lanes + l] = gy pixel (a, b) of tile first + l, zero outside the plane and from count on.</summary>
    private static void ReadOutputTiles(TileGrid grid, Conv2dShape s, ReadOnlySpan<float> plane, int first, int count, int lanes, Span<float> d)
    {
        d[..(Output * Output * lanes)].Clear();
        for (int l = 0; l < count; l++)
        {
            int tile = first + l, top = tile / grid.Across * Output, left = tile % grid.Across * Output;
            int rows = Math.Min(Output, s.H - top), columns = Math.Min(Output, s.W - left);
            for (int a = 0; a < rows; a++)
            {
                var row = plane.Slice((top + a) * s.W + left, columns);
                for (int c = 0; c < row.Length; c++)
                    d[(a * Output + c) * lanes + l] = row[c];
            }
        }
    }

    /// <summary>destination[t · rows + r] = source[r · columns + t], eight source rows at a time (32-byte write runs).</summary>
    private static void Transpose(ReadOnlySpan<float> source, int rows, int columns, Span<float> destination)
    {
        if (source.Length < rows * columns || destination.Length < rows * columns)
            throw new ArgumentException($"transpose: {rows}×{columns} does not fit its buffers");
        ref float from0 = ref MemoryMarshal.GetReference(source);
        ref float to0 = ref MemoryMarshal.GetReference(destination);
        int r = 0;
        for (; r + 8 <= rows; r += 8)
            for (int t = 0; t < columns; t++)
            {
                ref float to = ref Unsafe.Add(ref to0, t * rows + r);
                ref float from = ref Unsafe.Add(ref from0, r * columns + t);
                for (int i = 0; i < 8; i++)
                    Unsafe.Add(ref to, i) = Unsafe.Add(ref from, i * columns);
            }
        for (; r < rows; r++)
            for (int t = 0; t < columns; t++)
                destination[t * rows + r] = source[r * columns + t];
    }
}
