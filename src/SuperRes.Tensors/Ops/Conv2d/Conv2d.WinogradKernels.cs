using SuperRes.Runtime.Tuning;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// conv2d forward on CUDA and OpenCL by Winograd's F(4×4, 3×3), kernels/conv2d_winograd.cl: the weights, the input
/// tiles and the 36 matrix products go through buffers of the device's pool that are freed as soon as the output is
/// written. The weights are transformed on the device every call: Cout·Cin·36 values, a small fraction of the
/// product's work. Used for the layers the Cpu runs by Winograd too (<see cref="Conv2dWinograd.IsFaster"/>) with
/// zero padding; each output rounds by its place in a 4×4 tile, as on the Cpu.
/// </summary>
internal static class Conv2dWinogradKernels
{
    private const int Elements = 36;
    private const int Threads = 64;

    /// <summary>Whether this path computes <paramref name="s"/>: 3×3, stride 1, zero padding, ≥ 48 input channels, and every buffer indexable by int.</summary>
    public static bool Applies(Conv2dShape s)
    {
        if (!Conv2dWinograd.IsFaster(s) || s.Padding != PaddingMode.Zeros)
            return false;
        // The largest padding any legal block size adds: 16 channels, 128 × 32 tiles.
        long tiles = (long)s.N * Ceil(s.H, 4) * Ceil(s.W, 4) + 128 * 32;
        long channels = Math.Max(s.Cin, s.Cout + 16L);
        return Elements * channels * tiles <= int.MaxValue;
    }

    public static void Forward(Conv2dShape s, DeviceBuffer x, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer y) =>
        Forward(s, x, weight, bias, y, Conv2dWinogradTuning.Parameters(Launch.Kernels(x), s));

    /// <summary>The forward pass with explicit parameters (legal: <see cref="Conv2dWinogradTuning.Illegal"/>).</summary>
    internal static void Forward(Conv2dShape s, DeviceBuffer x, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer y, KernelDefines parameters)
    {
        var k = Launch.Kernels(x);
        int bm = TuningSpace.Value(parameters, "BM"), bn = TuningSpace.Value(parameters, "BN"), wgX = TuningSpace.Value(parameters, "WG_X"),
            ti = TuningSpace.Value(parameters, "TI");
        int tilesH = Ceil(s.H, 4), tilesW = Ceil(s.W, 4), tiles = s.N * tilesH * tilesW;
        int cp = Ceil(s.Cout, bm) * bm, tp = Ceil(tiles, wgX * bn) * wgX * bn;
        void Run(string entryPoint, double flops, long floats, LaunchGrid grid, params ReadOnlySpan<KernelArg> args)
        {
            OpTimer.Next((s, entryPoint, flops, floats), static a => new OpCost(a.entryPoint, ConvLabels.Of(a.s), a.flops, OpCost.F32(a.floats)));
            k.Launch(k.GetKernel(Conv2dWinogradTuning.File, entryPoint, parameters), grid, args);
        }

        long uLength = (long)Elements * s.Cin * cp, vLength = (long)Elements * s.Cin * tp, mLength = (long)Elements * cp * tp;
        using var u = k.Allocate(uLength);
        using var v = k.Allocate(vLength);
        using var m = k.Allocate(mLength);
        Run("winograd_weights", 0, s.WeightLength + uLength, LaunchGrid.Grid2D(cp, s.Cin, Threads, 1), s.Cin, s.Cout, cp, weight, u);
        Run("winograd_input", 0, s.InputLength + vLength, LaunchGrid.Grid2D((long)s.N * tilesH * Ceil(tilesW, ti), s.Cin, Threads, 1),
            s.Cin, s.H, s.W, s.N * tilesH, tilesW, tp, x, v);
        Run("winograd_product", 2.0 * mLength * s.Cin, uLength + vLength + mLength, LaunchGrid.Grid3D(tp / bn, cp / bm, Elements, wgX, 1, 1),
            s.Cin, cp, tp, u, v, m);
        Run("winograd_output", 0, mLength + s.OutputLength, LaunchGrid.Grid2D(tiles, s.Cout, Threads, 1),
            s.Cout, cp, s.H, s.W, tilesH, tilesW, tiles, tp, bias is null ? 0 : 1, m, bias ?? m /* never read */, y);
    }

    private static int Ceil(int a, int b) => (a + b - 1) / b;
}
