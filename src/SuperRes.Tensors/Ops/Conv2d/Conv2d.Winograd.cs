using System.Buffers;
using System.Runtime.CompilerServices;
using SuperRes.Runtime.Cpu;
using static SuperRes.Tensors.Primitives.WinogradTransforms;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// conv2d 3×3 stride 1 on the Cpu by Winograd's F(4×4, 3×3): 4×4 output tiles from 6×6 input tiles, 36 products per
/// tile and channel pair instead of 144. Work goes in blocks of tiles of one image, one task per block: the block's
/// tiles are read (with the layer's padding) and transformed, multiplied by the transformed weights in 36 matrix
/// products [Cout × Cin]·[Cin × tiles], and transformed back into the output, so no full-size transformed tensor
/// exists. Each output element is computed by one task in a fixed order: the bits do not depend on the core count.
/// </summary>
internal static class Conv2dWinograd
{
    // A block's transformed input and products take about this many floats (512 KiB), half of Zen 4's L2.
    private const int TargetBlockFloats = 128 * 1024;

    // Tiles per block come in multiples of this: the widest vector (16 floats) and the matrix product's column block.
    private const int TileQuantum = 16;

    private static readonly ConditionalWeakTable<float[], TransformedWeights> Cache = new();

    /// <summary>
    /// Whether Winograd is the faster Cpu path for this layer: 3×3 stride 1 with at least 48 input and output channels.
    /// Measured (docs/performance.md): 1.0–2.4× faster at 56→56, 64→64 and 64→256; slower at 32→32 and below, and
    /// for the 3→64 head and 64→3 tail, where the transforms cost more than the products save.
    /// </summary>
    public static bool IsFaster(Conv2dShape s) => Applies(s) && s.Cin >= MinChannels && s.Cout >= MinChannels;

    private const int MinChannels = 48;

    /// <summary>Whether this path computes the layer at all: 3×3 kernels at stride 1.</summary>
    public static bool Applies(Conv2dShape s) => s.K == 3 && s.Stride == 1;

    /// <summary>
    /// y = conv2d(x, weight) + bias. <paramref name="cacheWeights"/> keeps the transformed weights with the weight
    /// array, checked against a copy of the raw weights on every call, so an optimizer step recomputes them.
    /// </summary>
    public static void Forward(Conv2dShape s, float[] x, float[] weight, float[]? bias, float[] y, bool cacheWeights,
        WinogradLanes lanes = WinogradLanes.Widest)
    {
        if (!Applies(s))
            throw new ArgumentException($"Winograd conv2d: {s} is not 3×3 stride 1");
        var u = cacheWeights ? Transformed(weight, s) : Weights(weight.AsSpan(0, (int)s.WeightLength), s.Cout, s.Cin);
        var grid = new TileGrid(s);
        int width = BlockWidth(s.Cin, s.Cout, grid.Count);
        int blocks = (grid.Count + width - 1) / width;
        CpuChunks.ForEachTask(s.N * blocks, task =>
        {
            int n = task / blocks, first = task % blocks * width;
            var scratch = ArrayPool<float>.Shared.Rent(Elements * width * (s.Cin + s.Cout + 2));
            RunBlock(s, grid, lanes, x, u, bias, y, n, first, Math.Min(width, grid.Count - first), width, scratch);
            ArrayPool<float>.Shared.Return(scratch);
        });
    }

    private static int BlockWidth(int cin, int cout, int tiles)
    {
        int width = TargetBlockFloats / (Elements * (cin + cout)) / TileQuantum * TileQuantum;
        int needed = (tiles + TileQuantum - 1) / TileQuantum * TileQuantum;
        return Math.Clamp(width, TileQuantum, Math.Max(TileQuantum, Math.Min(needed, 8 * TileQuantum)));
    }

    private static void RunBlock(Conv2dShape s, TileGrid grid, WinogradLanes lanes, float[] x, float[] u, float[]? bias,
        float[] y, int n, int first, int count, int width, float[] scratch)
    {
        int plane = s.H * s.W;
        var tiles = scratch.AsSpan(0, Elements * width);
        var transformScratch = scratch.AsSpan(Elements * width, Elements * width);
        var v = scratch.AsSpan(2 * Elements * width, Elements * s.Cin * width);
        var m = scratch.AsSpan((2 + s.Cin) * Elements * width, Elements * s.Cout * width);
        for (int ci = 0; ci < s.Cin; ci++)
        {
            grid.Read(x.AsSpan((n * s.Cin + ci) * plane, plane), first, count, width, tiles);
            Input(lanes, tiles, transformScratch, v[(ci * width)..], s.Cin * width, width);
        }
        for (int e = 0; e < Elements; e++)
            CpuGemm.Multiply(s.Cout, width, s.Cin, u.AsSpan(e * s.Cout * s.Cin), s.Cin, v[(e * s.Cin * width)..], width,
                m[(e * s.Cout * width)..], width, accumulate: false);
        var outputs = tiles[..(Output * Output * width)];
        for (int co = 0; co < s.Cout; co++)
        {
            Inverse(lanes, m[(co * width)..], s.Cout * width, transformScratch, outputs, width);
            grid.Write(outputs, bias?[co] ?? 0f, first, count, width, y.AsSpan((n * s.Cout + co) * plane, plane));
        }
    }

    private static float[] Transformed(float[] weight, Conv2dShape s)
    {
        var raw = weight.AsSpan(0, (int)s.WeightLength);
        if (Cache.TryGetValue(weight, out var cached) && cached.Cout == s.Cout && raw.SequenceEqual(cached.Raw))
            return cached.U;
        var fresh = new TransformedWeights(raw.ToArray(), s.Cout, Weights(raw, s.Cout, s.Cin));
        Cache.AddOrUpdate(weight, fresh);
        return fresh.U;
    }

    private sealed record TransformedWeights(float[] Raw, int Cout, float[] U);
}
