using BenchmarkDotNet.Attributes;
using SuperRes.Runtime;
using SuperRes.Tensors;
using SuperRes.Tensors.Primitives;

namespace SuperRes.Benchmarks;

// Every kernel of the zoo at the shapes the zoo runs it with, on every device of the machine (Cpu, OpenCL, CUDA).
// Each iteration waits for the device, so a time is the kernel's (plus one launch and one synchronization).
//   dotnet run -c Release --project benchmarks/SuperRes.Benchmarks -- --filter '*Kernel*'
// `superres profile` gives the same kernels' times inside a whole network, with GFLOP/s and GB/s.

/// <summary>Buffers of random values on the benchmark's device, released with it.</summary>
public abstract class KernelBenchmarkBase
{
    private readonly List<DeviceBuffer> _buffers = [];
    private readonly Random _rng = new(1);

    protected Device Dev { get; private set; } = null!;

    public static IEnumerable<string> DeviceIds => BenchmarkDevices.Ids;

    [ParamsSource(nameof(DeviceIds))]
    public string Device { get; set; } = "";

    protected void Open() => Dev = BenchmarkDevices.Open(Device);

    /// <summary>Random values in [−1, 1) plus <paramref name="offset"/>.</summary>
    protected DeviceBuffer Random(long length, float offset = 0)
    {
        var values = new float[length];
        for (long i = 0; i < length; i++)
            values[i] = _rng.NextSingle() * 2 - 1 + offset;
        var buffer = Dev.Upload(values);
        _buffers.Add(buffer);
        return buffer;
    }

    protected DeviceBuffer Empty(long length)
    {
        var buffer = Dev.Allocate(length);
        _buffers.Add(buffer);
        return buffer;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var b in _buffers)
            b.Dispose();
        _buffers.Clear();
        Dev.Dispose();
    }
}

/// <summary>
/// The memory-bound kernels at the zoo's shapes: EDSR-baseline x2's pixel shuffle (1×256×128×128 → 1×64×256×256),
/// FSRCNN's per-channel PReLU (16×56×32×32) with its backward and slope gradient, EDSR's ReLU and residual add
/// (1×64×128×128), RCAN's channel attention (global average pool and the per-channel multiply on 1×64×128×128),
/// the L1 loss and its backward on an EDSR x2 training batch (16×3×96×96).
/// </summary>
public class KernelElementwiseBenchmarks : KernelBenchmarkBase
{
    private const int Feature = 64, Hw = 128 * 128;
    private const long Features = (long)Feature * Hw;
    private const int PreluSlopes = 56, PreluPlane = 32 * 32;
    private const long PreluLength = 16L * PreluSlopes * PreluPlane;
    private const long LossLength = 16L * 3 * 96 * 96;

    private DeviceBuffer _deep = null!, _wide = null!, _a = null!, _b = null!, _y = null!, _pooled = null!;
    private DeviceBuffer _px = null!, _slope = null!, _py = null!, _pgy = null!, _pgx = null!, _pgs = null!;
    private DeviceBuffer _pred = null!, _target = null!, _loss = null!, _gloss = null!, _gpred = null!;

    [GlobalSetup]
    public void Setup()
    {
        Open();
        _deep = Random(Features * 4);
        _wide = Empty(Features * 4);
        _a = Random(Features);
        _b = Random(Features);
        _y = Empty(Features);
        _pooled = Random(Feature);
        _px = Random(PreluLength);
        _slope = Random(PreluSlopes, 0.25f);
        _pgy = Random(PreluLength);
        _py = Empty(PreluLength);
        _pgx = Empty(PreluLength);
        _pgs = Empty(PreluSlopes);
        _pred = Random(LossLength);
        _target = Random(LossLength);
        _loss = Empty(1);
        _gloss = Random(1, 1);
        _gpred = Empty(LossLength);
        foreach (var run in new Action[] { PixelShuffle2, Prelu, PreluBackward, PreluSlopeGradient, Relu, ResidualAdd, ChannelAttentionPool, ChannelAttentionMultiply, L1Loss, L1LossBackward })
            run();
    }

    [Benchmark]
    public void PixelShuffle2()
    {
        PixelShuffle.Shuffle(_deep, _wide, Feature, 128, 128, 2);
        Dev.Synchronize();
    }

    [Benchmark]
    public void Prelu()
    {
        Activations.Prelu(_px, _slope, PreluSlopes, PreluPlane, _py, PreluLength);
        Dev.Synchronize();
    }

    [Benchmark]
    public void PreluBackward()
    {
        Activations.PreluBackward(_px, _slope, PreluSlopes, PreluPlane, _pgy, _pgx, PreluLength);
        Dev.Synchronize();
    }

    [Benchmark]
    public void PreluSlopeGradient()
    {
        Activations.PreluSlopeGradient(_px, _pgy, PreluSlopes, PreluPlane, _pgs, PreluLength);
        Dev.Synchronize();
    }

    [Benchmark]
    public void Relu()
    {
        Elementwise.Relu(_a, _y, Features);
        Dev.Synchronize();
    }

    [Benchmark]
    public void ResidualAdd()
    {
        Arithmetic.ResidualAdd(_a, _b, 1f, _y, Features);
        Dev.Synchronize();
    }

    /// <summary>RCAN's squeeze: the mean of each of 64 planes of 128×128.</summary>
    [Benchmark]
    public void ChannelAttentionPool()
    {
        Pooling.PlaneSum(_a, _pooled, Feature, Hw, 1f / Hw);
        Dev.Synchronize();
    }

    /// <summary>RCAN's excitation: every plane times its attention weight.</summary>
    [Benchmark]
    public void ChannelAttentionMultiply()
    {
        Pooling.PlaneMultiply(_a, _pooled, _y, Feature, Hw);
        Dev.Synchronize();
    }

    [Benchmark]
    public void L1Loss()
    {
        Losses.L1(_pred, _target, LossLength, _loss);
        Dev.Synchronize();
    }

    [Benchmark]
    public void L1LossBackward()
    {
        Losses.L1Backward(_pred, _target, _gloss, _gpred, LossLength);
        Dev.Synchronize();
    }
}
