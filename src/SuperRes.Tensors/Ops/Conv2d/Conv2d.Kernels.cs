using SuperRes.Runtime.Tuning;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// conv2d on CUDA and OpenCL. The forward pass of 3×3 stride-1 zero-padded layers with ≥ 48 input channels is
/// Winograd's (kernels/conv2d_winograd.cl); any other is kernels/conv2d_forward.cl with the parameters of the device's
/// tuning database or its class's defaults (<see cref="Conv2dForwardTuning"/>); the gradients are kernels/conv2d.cl
/// with tuned tiles (<see cref="Conv2dGradientTuning"/>): input-gradient tiles of TILE_W × TILE_H pixels per
/// work-group, BLOCK channels per work-item; the weight gradient and the bias gradient reduce in chunks of pixels,
/// summed in chunk order.
/// </summary>
internal sealed class Conv2dKernels : Conv2d.IBackend
{
    private const string File = Conv2dGradientTuning.File;

    // Chunked reductions split the pixels so that about this many groups run, each over at least MinChunk pixels.
    private const int TargetGroups = 512;
    private const int MinChunk = 256;

    /// <summary>Winograd (<see cref="Conv2dWinogradKernels"/>) for the layers it applies to, else the direct kernel.</summary>
    public void Forward(Conv2dShape s, DeviceBuffer x, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer y)
    {
        if (Conv2dWinogradKernels.Applies(s))
            Conv2dWinogradKernels.Forward(s, x, weight, new DeviceConvEpilogue(bias), y);
        else
            Forward(s, x, weight, bias, y, Conv2dForwardTuning.Parameters(Launch.Kernels(x), s));
    }

    /// <summary>The forward pass with explicit tuning parameters (legal for the shape: <see cref="Conv2dForwardTuning.Illegal"/>).</summary>
    internal static void Forward(Conv2dShape s, DeviceBuffer x, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer y, KernelDefines parameters)
    {
        var k = Launch.Kernels(x);
        int Get(string name) => TuningSpace.Value(parameters, name);
        int threads = Get("WG_X") * Get("WG_Y"), block = Get("BLOCK");
        int tilesX = Ceil(s.OutW, Get("WG_X") * Get("PX")), tilesY = Ceil(s.OutH, Get("WG_Y") * Get("ROWS"));
        k.Launch(k.GetKernel(Conv2dForwardTuning.File, "conv2d_forward", Conv2dForwardTuning.Defines(k, s, parameters)),
            new LaunchGrid((long)s.N * tilesX * tilesY * threads, Ceil(s.Cout, block), 1, threads, 1, 1),
            s.Cin, s.H, s.W, s.Cout, s.OutH, s.OutW, Replicate(s), tilesX, tilesY, bias is null ? 0 : 1,
            x, weight, bias ?? weight /* never read: the kernel only needs a valid buffer */, y);
    }

    public void InputGrad(Conv2dShape s, DeviceBuffer gy, DeviceBuffer weight, DeviceBuffer gx) =>
        InputGrad(s, gy, weight, gx, Conv2dGradientTuning.Parameters(Launch.Kernels(gy), s));

    public void WeightGrad(Conv2dShape s, DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gw) =>
        WeightGrad(s, x, gy, gw, Conv2dGradientTuning.Parameters(Launch.Kernels(x), s));

    public void BiasGrad(Conv2dShape s, DeviceBuffer gy, DeviceBuffer gb) =>
        BiasGrad(s, gy, gb, Conv2dGradientTuning.Parameters(Launch.Kernels(gy), s));

    /// <summary>The input gradient with explicit tuning parameters (legal for the shape: <see cref="Conv2dGradientTuning.Illegal"/>).</summary>
    internal static void InputGrad(Conv2dShape s, DeviceBuffer gy, DeviceBuffer weight, DeviceBuffer gx, KernelDefines parameters)
    {
        var k = Launch.Kernels(gy);
        var defines = Conv2dGradientTuning.Defines(k, s, parameters);
        if (s.Padding == PaddingMode.Zeros || s.Pad == 0)
        {
            LaunchInputGrad(k, s, parameters, defines, gy, weight, gx, s.H, s.W, origin: s.Pad);
            return;
        }
        // Replicate: the gradient of the whole padded input, then each border pixel collects what clamped onto it.
        int ph = s.H + 2 * s.Pad, pw = s.W + 2 * s.Pad;
        using var padded = Scratch(k, (long)s.N * s.Cin * ph * pw, s);
        LaunchInputGrad(k, s, parameters, defines, gy, weight, padded, ph, pw, origin: 0);
        OpTimer.Next((s, ph, pw), static a => new OpCost("conv2d_fold_replicate", ConvLabels.Of(a.s), a.s.InputLength, OpCost.F32((long)a.s.N * a.s.Cin * a.ph * a.pw + a.s.InputLength)));
        k.Launch(k.GetKernel(File, "conv2d_fold_replicate", defines), LaunchGrid.Linear(s.InputLength, Conv2dGradientTuning.Threads(parameters)),
            s.InputLength, s.H, s.W, padded, gx);
    }

    /// <summary>The weight gradient with explicit tuning parameters.</summary>
    internal static void WeightGrad(Conv2dShape s, DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gw, KernelDefines parameters)
    {
        var k = Launch.Kernels(x);
        var defines = Conv2dGradientTuning.Defines(k, s, parameters);
        int threads = Conv2dGradientTuning.Threads(parameters), block = TuningSpace.Value(parameters, "BLOCK");
        int weightColumns = TuningSpace.Value(parameters, "WCOLS");
        int columns = s.Cin * s.K * s.K;
        int columnTiles = Ceil(columns, weightColumns);
        long pixels = (long)s.N * s.OutH * s.OutW;
        long tiles = (long)columnTiles * Ceil(s.Cout, block);
        var (chunks, chunkLength) = Chunking(pixels, tiles, TuningSpace.Value(parameters, "MSTEP"));
        ChunkedReduction(k, s, defines, threads, s.WeightLength, chunks, gw, partial =>
            k.Launch(k.GetKernel(File, "conv2d_weight_grad", defines), new LaunchGrid(tiles * threads, chunks, 1, threads, 1, 1),
                s.Cin, s.H, s.W, s.Cout, s.OutH, s.OutW, Replicate(s), pixels, chunkLength, columnTiles, x, gy, partial));
    }

    /// <summary>The bias gradient with explicit tuning parameters.</summary>
    internal static void BiasGrad(Conv2dShape s, DeviceBuffer gy, DeviceBuffer gb, KernelDefines parameters)
    {
        var k = Launch.Kernels(gy);
        var defines = Conv2dGradientTuning.Defines(k, s, parameters);
        int threads = Conv2dGradientTuning.Threads(parameters);
        long pixels = (long)s.N * s.OutH * s.OutW;
        var (chunks, chunkLength) = Chunking(pixels, s.Cout, 1);
        ChunkedReduction(k, s, defines, threads, s.Cout, chunks, gb, partial =>
            k.Launch(k.GetKernel(File, "conv2d_bias_grad", defines), new LaunchGrid((long)s.Cout * threads, chunks, 1, threads, 1, 1),
                s.Cout, s.OutH * s.OutW, pixels, chunkLength, gy, partial));
    }

    private static void LaunchInputGrad(KernelDevice k, Conv2dShape s, KernelDefines parameters, KernelDefines defines, DeviceBuffer gy, DeviceBuffer weight,
        DeviceBuffer target, int regionH, int regionW, int origin)
    {
        int threads = Conv2dGradientTuning.Threads(parameters);
        int tilesX = Ceil(regionW, TuningSpace.Value(parameters, "TILE_W")), tilesY = Ceil(regionH, TuningSpace.Value(parameters, "TILE_H"));
        k.Launch(k.GetKernel(File, "conv2d_input_grad", defines),
            new LaunchGrid((long)s.N * tilesX * tilesY * threads, Ceil(s.Cin, TuningSpace.Value(parameters, "BLOCK")), 1, threads, 1, 1),
            s.Cin, s.Cout, s.OutH, s.OutW, regionH, regionW, origin, tilesX, tilesY, gy, weight, target);
    }

    /// <summary>
    /// Runs <paramref name="firstPass"/> into per-chunk partial sums and adds them up in chunk order; with a
    /// single chunk the first pass writes <paramref name="result"/> directly.
    /// </summary>
    private static void ChunkedReduction(KernelDevice k, Conv2dShape s, KernelDefines defines, int threads, long length, long chunks, DeviceBuffer result,
        Action<DeviceBuffer> firstPass)
    {
        if (chunks == 1)
        {
            firstPass(result);
            return;
        }
        using var partial = Scratch(k, chunks * length, s);
        firstPass(partial);
        OpTimer.Next((s, chunks, length), static a => new OpCost("conv2d_sum_chunks", ConvLabels.Of(a.s), (double)a.chunks * a.length, OpCost.F32((a.chunks + 1) * a.length)));
        k.Launch(k.GetKernel(File, "conv2d_sum_chunks", defines), LaunchGrid.Linear(length, threads), length, chunks, partial, result);
    }

    /// <summary>Splits <paramref name="pixels"/> into chunks (multiples of <paramref name="step"/>) so that about <see cref="TargetGroups"/> groups run.</summary>
    private static (long Chunks, long ChunkLength) Chunking(long pixels, long groupsPerChunk, int step)
    {
        long chunks = Math.Clamp(TargetGroups / groupsPerChunk, 1, Ceil(pixels, MinChunk));
        long length = Ceil(Ceil(pixels, chunks), step) * step;
        return (Ceil(pixels, length), length);
    }

    private static int Replicate(Conv2dShape s) => s.Padding == PaddingMode.Replicate ? 1 : 0;

    private static DeviceBuffer Scratch(KernelDevice k, long length, Conv2dShape s) =>
        length <= int.MaxValue
            ? k.Allocate(length)
            : throw new ArgumentOutOfRangeException(nameof(s), $"conv2d {s}: a scratch buffer of {length} elements is more than one kernel indexes (2^31 - 1)");

    private static int Ceil(int a, int b) => (a + b - 1) / b;

    private static long Ceil(long a, long b) => (a + b - 1) / b;
}
