using System.Buffers;
using System.Runtime.Intrinsics;
using static SuperRes.Tensors.Primitives.WinogradTransforms;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// conv2d 3×3 stride 1 on the Cpu by Winograd's F(4×4, 3×3): 4×4 output tiles from 6×6 input tiles, 36 products per
/// tile and channel pair instead of 144. Work goes in blocks of 32 or 64 tiles of one image, one task per block: the
/// block's input rows are padded once per channel, its tiles read and transformed (<see cref="WinogradTransforms"/>),
/// multiplied by the packed transformed weights (<see cref="WinogradProducts"/>), and transformed back into the output
/// through the epilogue (bias, activation, residual), 64 output channels at a time. No full-size transformed tensor
/// exists. Each output element is computed by one task in a fixed order that depends neither on the core count nor
/// on the block or lane its tile falls in.
/// </summary>
internal static class Conv2dWinograd
{
    // A block's transformed input stays within about this many floats (640 KiB) of Zen 4/5's 1 MiB L2.
    private const int TargetInputFloats = 160 * 1024;

    // Output channels per pass over a block: the products of 64 channels take as much as the transformed input.
    private const int GroupRows = 64;

    /// <summary>
    /// Whether Winograd is the Cpu path for this layer: 3×3 stride 1 with at least 48 input channels, whatever the
    /// output count (EDSR's 64→3 tail too). Measured (docs/performance.md): 1.5–3× faster than the banded GEMM at
    /// 64→64, 64→256 and 64→3; slower for the 3→64 head. It is also faster at 32→32 and at 12→12 on planes 64 wide or
    /// more, but a Winograd layer rounds each output by its place in a 4×4 tile, so a tiled upscale of a network that
    /// used to be position-independent would need twice the context to match its untiled output
    /// (<see cref="ConvolutionTiling"/>); those layers stay on the GEMM.
    /// </summary>
    public static bool IsFaster(Conv2dShape s) => Applies(s) && s.Cin >= 48;

    /// <summary>Whether this path computes the layer at all: 3×3 kernels at stride 1.</summary>
    public static bool Applies(Conv2dShape s) => s.K == 3 && s.Stride == 1;

    /// <summary>y = conv2d(x, weight) + bias.</summary>
    public static void Forward(Conv2dShape s, float[] x, float[] weight, float[]? bias, float[] y, bool cacheWeights,
        WinogradLanes lanes = WinogradLanes.Widest) =>
        Forward(s, x, weight, new ConvEpilogue(bias), y, cacheWeights, lanes);

    /// <summary>
    /// y = epilogue(conv2d(x, weight)). <paramref name="cacheWeights"/> keeps the transformed weights with the weight
    /// array (<see cref="PackedWeights"/>), repacked whenever the array's contents change.
    /// </summary>
    public static void Forward(Conv2dShape s, float[] x, float[] weight, in ConvEpilogue epilogue, float[] y, bool cacheWeights,
        WinogradLanes lanes = WinogradLanes.Widest)
    {
        if (!Applies(s))
            throw new ArgumentException($"Winograd conv2d: {s} is not 3×3 stride 1");
        int length = (int)s.WeightLength;
        var u = cacheWeights
            ? PackedWeights.Get(weight, length, "winograd-f4x4", raw => Weights(raw, s.Cout, s.Cin))
            : Weights(weight.AsMemory(0, length), s.Cout, s.Cin);
        ForwardTransformed(s, x, u, epilogue, y, lanes);
    }

    /// <summary>y = epilogue(conv2d(x, weight)) from the transformed weights u = <see cref="WinogradTransforms.Weights"/>.</summary>
    public static void ForwardTransformed(Conv2dShape s, float[] x, float[] u, in ConvEpilogue epilogue, float[] y,
        WinogradLanes lanes = WinogradLanes.Widest)
    {
        if (!Applies(s) || u.Length != Elements * PaddedRows(s.Cout) * s.Cin)
            throw new ArgumentException($"Winograd conv2d: {s} is not 3×3 stride 1, or its transformed weights have {u.Length} floats");
        switch (lanes == WinogradLanes.Widest ? Widest : lanes)
        {
            case WinogradLanes.Vector512:
                Run<Lanes512, Vector512<float>>(s, x, u, epilogue, y);
                break;
            case WinogradLanes.Vector256:
                Run<Lanes256, Vector256<float>>(s, x, u, epilogue, y);
                break;
            default:
                Run<LanesScalar, float>(s, x, u, epilogue, y);
                break;
        }
    }

    private static void Run<TLanes, TVector>(Conv2dShape s, float[] x, float[] u, ConvEpilogue epilogue, float[] y)
        where TLanes : ILanes<TVector> where TVector : struct
    {
        var grid = new TileGrid(s);
        int width = BlockWidth(s.Cin, grid.Count);
        int blocks = (grid.Count + width - 1) / width;
        var block = new BlockShape(s, grid, width, Math.Min(GroupRows, PaddedRows(s.Cout)));
        CpuChunks.ForEachTask(s.N * blocks, task =>
        {
            int n = task / blocks, first = task % blocks * width;
            var scratch = ArrayPool<float>.Shared.Rent(block.ScratchFloats);
            RunBlock<TLanes, TVector>(block, x, u, epilogue, y, n, first, Math.Min(width, grid.Count - first), scratch);
            ArrayPool<float>.Shared.Return(scratch);
        });
    }

    // 64 tiles when their transformed input fits the target and fills the blocks as well as 32 would, else 32.
    private static int BlockWidth(int cin, int tiles)
    {
        static int Waste(int width, int tiles) => (tiles + width - 1) / width * width - tiles;
        bool wide = Elements * cin * 64 <= TargetInputFloats && Waste(64, tiles) <= Waste(32, tiles);
        return wide ? 64 : 32;
    }

    /// <summary>The sizes of one block's work and where its scratch buffers sit.</summary>
    private readonly record struct BlockShape(Conv2dShape S, TileGrid Grid, int Width, int Group)
    {
        private const int Vector = 16; // the widest lanes: room for any width's tile vectors

        public int TileRows => Width / Grid.Across + 2;
        public int Padded => Grid.PaddedLength(TileRows);
        // One vector more than the matrices between elements: strides of a power of two (64 channels × 64 tiles,
        // 16 KiB) put all 36 elements of a tile in one L1 set.
        public int TransformedStride => S.Cin * Width + Vector;
        public int ProductStride => Group * Width + Vector;
        public int Transformed => Elements * TransformedStride;
        public int Products => Elements * ProductStride;
        public int ScratchFloats => Padded + Transformed + Products + 3 * Elements * Vector;
    }

    private static void RunBlock<TLanes, TVector>(BlockShape b, float[] x, float[] u, in ConvEpilogue epilogue, float[] y,
        int n, int first, int count, float[] scratch)
        where TLanes : ILanes<TVector> where TVector : struct
    {
        var s = b.S;
        int plane = s.H * s.W, width = b.Width, lanes = TLanes.Count;
        int firstTileRow = first / b.Grid.Across, tileRows = (first + count - 1) / b.Grid.Across - firstTileRow + 1;
        var padded = scratch.AsSpan(0, b.Padded);
        var v = scratch.AsSpan(b.Padded, b.Transformed);
        var m = scratch.AsSpan(b.Padded + b.Transformed, b.Products);
        var d = scratch.AsSpan(b.Padded + b.Transformed + b.Products, Elements * 16);
        var transformScratch = scratch.AsSpan(b.Padded + b.Transformed + b.Products + Elements * 16, Elements * 16);
        var o = scratch.AsSpan(b.Padded + b.Transformed + b.Products + 2 * Elements * 16, Elements * 16);
        bool paddingZeroed = b.Grid.ZeroPadding(padded);
        for (int ci = 0; ci < s.Cin; ci++)
        {
            if (ci + 1 < s.Cin)
                b.Grid.Prefetch(x.AsSpan((n * s.Cin + ci + 1) * plane, plane), firstTileRow, tileRows, halo: true);
            b.Grid.Pad(x.AsSpan((n * s.Cin + ci) * plane, plane), firstTileRow, tileRows, padded, paddingZeroed);
            for (int t = 0; t < width; t += lanes)
            {
                b.Grid.Read<TLanes, TVector>(padded, firstTileRow, first + t, Math.Clamp(count - t, 0, lanes), d);
                Input<TLanes, TVector>(ref d[0], ref transformScratch[0], ref v[ci * width + t], b.TransformedStride);
            }
        }
        int panels = PaddedRows(s.Cout) / PanelRows;
        for (int group = 0; group < s.Cout; group += b.Group)
        {
            int rows = Math.Min(b.Group, panels * PanelRows - group);
            WinogradProducts.Multiply<TLanes, TVector>(u, panels, group, rows, s.Cin, v, b.TransformedStride, width, m, b.ProductStride);
            for (int co = group; co < Math.Min(s.Cout, group + rows); co++)
            {
                var at = epilogue.Placement(n, co, s.Cout, s.H, s.W);
                if (epilogue.Shuffle == 1 && co + 1 < s.Cout)
                    b.Grid.Prefetch(y.AsSpan(at.Start + plane, plane), firstTileRow, tileRows, halo: false);
                for (int t = 0; t < count; t += lanes)
                {
                    Inverse<TLanes, TVector>(ref m[(co - group) * width + t], b.ProductStride, ref transformScratch[0], ref o[0]);
                    b.Grid.Write<TLanes, TVector>(o, epilogue, co, first + t, Math.Min(lanes, count - t), y, at);
                }
            }
        }
    }
}
