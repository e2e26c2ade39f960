using SuperRes.Runtime.Tuning;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// conv2d forward on CUDA and OpenCL by Winograd's F(4×4, 3×3), kernels/conv2d_winograd*.cl: the input tiles and the
/// 36 matrix products go through buffers of the device's pool that are freed as soon as the output is written. The
/// transformed weights (four times the 3×3 weights' size) are kept with the weight buffer
/// (<see cref="DeviceBuffer.Derived"/>) and made again only after the weights may have changed. The output transform
/// applies the epilogue (bias, activation, residual add, pixel shuffle: <see cref="DeviceConvEpilogue"/>). Used for
/// the layers the Cpu runs by Winograd too (<see cref="Conv2dWinograd.IsFaster"/>) with zero padding; each output
/// rounds by its place in a 4×4 tile, as on the Cpu.
/// </summary>
internal static class Conv2dWinogradKernels
{
    private const int Elements = 36;
    private const int Threads = 64;
    private const string OutputFile = "conv2d_winograd_output.cl";

    // CUDA's limit on a grid's Y and Z dimensions (tile rows and channels here).
    private const int MaxGridYZ = 65535;

    /// <summary>
    /// Whether this path computes <paramref name="s"/>: 3×3, stride 1, zero padding, ≥ 48 input channels, every buffer
    /// indexable by int, and tile rows and channels within a grid's Y and Z range.
    /// </summary>
    public static bool Applies(Conv2dShape s)
    {
        if (!Conv2dWinograd.IsFaster(s) || s.Padding != PaddingMode.Zeros)
            return false;
        // The largest padding any legal block size adds: 16 channels, 128 × 32 tiles.
        long tiles = (long)s.N * Ceil(s.H, 4) * Ceil(s.W, 4) + 128 * 32;
        long channels = Math.Max(s.Cin, s.Cout + 16L);
        return Elements * channels * tiles <= int.MaxValue && (long)s.N * Ceil(s.H, 4) <= MaxGridYZ && channels <= MaxGridYZ;
    }

    public static void Forward(Conv2dShape s, DeviceBuffer x, DeviceBuffer weight, in DeviceConvEpilogue epilogue, DeviceBuffer y) =>
        Forward(s, x, weight, epilogue, y, Conv2dWinogradTuning.Parameters(Launch.Kernels(x), s));

    /// <summary>The forward pass with explicit parameters (legal: <see cref="Conv2dWinogradTuning.Illegal"/>).</summary>
    internal static void Forward(Conv2dShape s, DeviceBuffer x, DeviceBuffer weight, in DeviceConvEpilogue epilogue, DeviceBuffer y,
        KernelDefines parameters)
    {
        var k = Launch.Kernels(x);
        int bm = TuningSpace.Value(parameters, "BM"), bn = TuningSpace.Value(parameters, "BN"), wgX = TuningSpace.Value(parameters, "WG_X"),
            ti = TuningSpace.Value(parameters, "TI"), to = TuningSpace.Value(parameters, "TO");
        int tilesH = Ceil(s.H, 4), tilesW = Ceil(s.W, 4), rows = s.N * tilesH, tiles = rows * tilesW;
        int cp = Ceil(s.Cout, bm) * bm, tp = Ceil(tiles, wgX * bn) * wgX * bn;
        void Run(string file, string entryPoint, KernelDefines defines, double flops, long floats, LaunchGrid grid, params ReadOnlySpan<KernelArg> args)
        {
            OpTimer.Next((s, entryPoint, flops, floats), static a => new OpCost(a.entryPoint, ConvLabels.Of(a.s), a.flops, OpCost.F32(a.floats)));
            k.Launch(k.GetKernel(file, entryPoint, defines), grid, args);
        }

        var transforms = Conv2dWinogradTuning.TransformDefines(parameters);
        long uLength = (long)Elements * s.Cin * cp, vLength = (long)Elements * s.Cin * tp, mLength = (long)Elements * cp * tp;
        var u = weight.Derived($"winograd-f4x4 {s.Cout}x{s.Cin} BM={bm}", w =>
        {
            var transformed = k.Allocate(uLength);
            Run(Conv2dWinogradTuning.TransformsFile, "winograd_weights", transforms, 0, s.WeightLength + uLength, LaunchGrid.Grid2D(cp, s.Cin, Threads, 1),
                s.Cin, s.Cout, cp, w, transformed);
            return transformed;
        });
        using var v = k.Allocate(vLength);
        using var m = k.Allocate(mLength);
        Run(Conv2dWinogradTuning.TransformsFile, "winograd_input", transforms, 0, s.InputLength + vLength, TileGrid(Ceil(tilesW, ti), rows, s.Cin),
            s.Cin, s.H, s.W, rows, tilesW, tp, x, v);
        Run(Conv2dWinogradTuning.ProductFile, "winograd_product", Conv2dWinogradTuning.ProductDefines(parameters), 2.0 * mLength * s.Cin, uLength + vLength + mLength,
            LaunchGrid.Grid3D(tp / bn, cp / bm, Elements, wgX, 1, 1), s.Cin, cp, tp, u, v, m);
        var e = epilogue;
        Run(OutputFile, "winograd_output", e.Defines.With("TO", to), 0, mLength + s.OutputLength * (e.Residual is null ? 1 : 2),
            TileGrid(Ceil(tilesW, to), rows, s.Cout),
            s.Cout, cp, s.H, s.W, rows, tilesH, tilesW, tp, e.Bias is null ? 0 : 1, e.Slope, e.SlopeCount, e.ResidualScale,
            m, e.Bias ?? m, e.Slopes ?? m, e.Residual ?? m /* the kernel reads only what its flags and defines name */, y);
    }

    /// <summary>Work-items along a tile row (X), over tile rows (Y) and channels (Z), 64 to a group whatever the row's length.</summary>
    private static LaunchGrid TileGrid(int across, int rows, int channels)
    {
        int localX = Math.Min(Threads, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)across));
        return LaunchGrid.Grid3D(across, rows, channels, localX, Threads / localX, 1);
    }

    private static int Ceil(int a, int b) => (a + b - 1) / b;
}
