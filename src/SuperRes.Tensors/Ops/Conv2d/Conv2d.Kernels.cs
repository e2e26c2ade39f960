using SuperRes.Runtime.Tuning;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// conv2d on CUDA and OpenCL. The forward pass of 3×3 stride-1 zero-padded layers with ≥ 48 input channels is
/// Winograd's (kernels/conv2d_winograd.cl); any other is kernels/conv2d_forward.cl with the parameters of the device's
/// tuning database or its class's defaults (<see cref="Conv2dForwardTuning"/>); the gradients are kernels/conv2d.cl:
/// output tiles of TileW × TileH pixels per work-group, Block channels per work-item; the weight gradient and the
/// bias gradient reduce in chunks of pixels, summed in chunk order.
/// </summary>
internal sealed class Conv2dKernels : Conv2d.IBackend
{
    private const string File = "conv2d.cl";

    // Tile geometry of kernels/conv2d.cl: every kernel runs Threads = TileW / Px · TileH work-items per group.
    private const int TileW = 32, TileH = 16, Px = 2, Threads = TileW / Px * TileH;
    private const int WeightColumns = 64; // WCOLS
    private const int PixelStep = 32;     // MSTEP
    private const int Block = 8;          // channels a work-item produces at once
    private const int MaxChunkChannels = 8;

    // Chunked reductions split the pixels so that about this many groups run, each over at least MinChunk pixels.
    private const int TargetGroups = 512;
    private const int MinChunk = 256;

    // CUDA caps statically sized shared memory at 48 KiB whatever the device offers.
    private const long MaxStaticLocalBytes = 48 * 1024;

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

    public void InputGrad(Conv2dShape s, DeviceBuffer gy, DeviceBuffer weight, DeviceBuffer gx)
    {
        var k = Launch.Kernels(gy);
        var defines = Defines(k, s);
        if (s.Padding == PaddingMode.Zeros || s.Pad == 0)
        {
            LaunchInputGrad(k, s, defines, gy, weight, gx, s.H, s.W, origin: s.Pad);
            return;
        }
        // Replicate: the gradient of the whole padded input, then each border pixel collects what clamped onto it.
        int ph = s.H + 2 * s.Pad, pw = s.W + 2 * s.Pad;
        using var padded = Scratch(k, (long)s.N * s.Cin * ph * pw, s);
        LaunchInputGrad(k, s, defines, gy, weight, padded, ph, pw, origin: 0);
        OpTimer.Next((s, ph, pw), static a => new OpCost("conv2d_fold_replicate", ConvLabels.Of(a.s), a.s.InputLength, OpCost.F32((long)a.s.N * a.s.Cin * a.ph * a.pw + a.s.InputLength)));
        k.Launch(k.GetKernel(File, "conv2d_fold_replicate", defines), LaunchGrid.Linear(s.InputLength, Threads),
            s.InputLength, s.H, s.W, padded, gx);
    }

    public void WeightGrad(Conv2dShape s, DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gw)
    {
        var k = Launch.Kernels(x);
        var defines = Defines(k, s);
        int columns = s.Cin * s.K * s.K;
        int columnTiles = Ceil(columns, WeightColumns);
        long pixels = (long)s.N * s.OutH * s.OutW;
        long tiles = (long)columnTiles * Ceil(s.Cout, Block);
        var (chunks, chunkLength) = Chunking(pixels, tiles, PixelStep);
        ChunkedReduction(k, s, defines, s.WeightLength, chunks, gw, partial =>
            k.Launch(k.GetKernel(File, "conv2d_weight_grad", defines), new LaunchGrid(tiles * Threads, chunks, 1, Threads, 1, 1),
                s.Cin, s.H, s.W, s.Cout, s.OutH, s.OutW, Replicate(s), pixels, chunkLength, columnTiles, x, gy, partial));
    }

    public void BiasGrad(Conv2dShape s, DeviceBuffer gy, DeviceBuffer gb)
    {
        var k = Launch.Kernels(gy);
        var defines = Defines(k, s);
        long pixels = (long)s.N * s.OutH * s.OutW;
        var (chunks, chunkLength) = Chunking(pixels, s.Cout, 1);
        ChunkedReduction(k, s, defines, s.Cout, chunks, gb, partial =>
            k.Launch(k.GetKernel(File, "conv2d_bias_grad", defines), new LaunchGrid((long)s.Cout * Threads, chunks, 1, Threads, 1, 1),
                s.Cout, s.OutH * s.OutW, pixels, chunkLength, gy, partial));
    }

    private static void LaunchInputGrad(KernelDevice k, Conv2dShape s, KernelDefines defines, DeviceBuffer gy, DeviceBuffer weight,
        DeviceBuffer target, int regionH, int regionW, int origin)
    {
        int tilesX = Ceil(regionW, TileW), tilesY = Ceil(regionH, TileH);
        k.Launch(k.GetKernel(File, "conv2d_input_grad", defines),
            new LaunchGrid((long)s.N * tilesX * tilesY * Threads, Ceil(s.Cin, Block), 1, Threads, 1, 1),
            s.Cin, s.Cout, s.OutH, s.OutW, regionH, regionW, origin, tilesX, tilesY, gy, weight, target);
    }

    /// <summary>
    /// Runs <paramref name="firstPass"/> into per-chunk partial sums and adds them up in chunk order; with a
    /// single chunk the first pass writes <paramref name="result"/> directly.
    /// </summary>
    private static void ChunkedReduction(KernelDevice k, Conv2dShape s, KernelDefines defines, long length, long chunks, DeviceBuffer result, Action<DeviceBuffer> firstPass)
    {
        if (chunks == 1)
        {
            firstPass(result);
            return;
        }
        using var partial = Scratch(k, chunks * length, s);
        firstPass(partial);
        OpTimer.Next((s, chunks, length), static a => new OpCost("conv2d_sum_chunks", ConvLabels.Of(a.s), (double)a.chunks * a.length, OpCost.F32((a.chunks + 1) * a.length)));
        k.Launch(k.GetKernel(File, "conv2d_sum_chunks", defines), LaunchGrid.Linear(length, Threads), length, chunks, partial, result);
    }

    /// <summary>Splits <paramref name="pixels"/> into chunks (multiples of <paramref name="step"/>) so that about <see cref="TargetGroups"/> groups run.</summary>
    private static (long Chunks, long ChunkLength) Chunking(long pixels, long groupsPerChunk, int step)
    {
        long chunks = Math.Clamp(TargetGroups / groupsPerChunk, 1, Ceil(pixels, MinChunk));
        long length = Ceil(Ceil(pixels, chunks), step) * step;
        return (Ceil(pixels, length), length);
    }

    /// <summary>
    /// Defines for the gradients of one conv2d: the kernel size and stride, and CHUNK, the most summed-over channels
    /// whose staged tiles fit in local memory. BLOCK is one size for every layer: a smaller block for 1- or 3-channel
    /// layers would save work there but double the programs every device builds (slow on PoCL).
    /// </summary>
    private static KernelDefines Defines(KernelDevice k, Conv2dShape s)
    {
        // The input gradient's tile of output gradients is the largest staged tile of the file (see kernels/conv2d.cl).
        long gradientTile = (long)((TileH + s.K - 2) / s.Stride + 1) * ((TileW + s.K - 2) / s.Stride + 1);
        long perChannelBytes = (gradientTile + (long)Block * s.K * s.K) * sizeof(float);
        long budget = Math.Min(k.LocalMemoryBytes, MaxStaticLocalBytes);
        if (perChannelBytes > budget)
            throw new NotSupportedException($"conv2d {s}: one channel's tiles need {perChannelBytes} bytes of local memory but {k.Info.Id} offers {budget}");
        int chunk = MaxChunkChannels;
        while (chunk * perChannelBytes > budget)
            chunk /= 2;
        return new KernelDefines()
            .With("K", s.K)
            .With("STRIDE", s.Stride)
            .With("BLOCK", Block)
            .With("CHUNK", chunk)
            .With("TILE_W", TileW)
            .With("TILE_H", TileH)
            .With("PX", Px);
    }

    private static int Replicate(Conv2dShape s) => s.Padding == PaddingMode.Replicate ? 1 : 0;

    private static DeviceBuffer Scratch(KernelDevice k, long length, Conv2dShape s) =>
        length <= int.MaxValue
            ? k.Allocate(length)
            : throw new ArgumentOutOfRangeException(nameof(s), $"conv2d {s}: a scratch buffer of {length} elements is more than one kernel indexes (2^31 - 1)");

    private static int Ceil(int a, int b) => (a + b - 1) / b;

    private static long Ceil(long a, long b) => (a + b - 1) / b;
}
