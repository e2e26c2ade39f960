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
/// RCAN's channel-attention squeeze (the global average pool of 1×64×128×128). The other memory-bound kernels'
/// cases live in their op folders (src/SuperRes.Tensors/Ops/*/…Benchmarks.cs, run by OpSuiteBenchmarks).
/// </summary>
public class KernelElementwiseBenchmarks : KernelBenchmarkBase
{
    private const int Feature = 64, Hw = 128 * 128;
    private const long Features = (long)Feature * Hw;

    private DeviceBuffer _a = null!, _pooled = null!;

    [GlobalSetup]
    public void Setup()
    {
        Open();
        _a = Random(Features);
        _pooled = Random(Feature);
        ChannelAttentionPool();
    }

    /// <summary>RCAN's squeeze: the mean of each of 64 planes of 128×128.</summary>
    [Benchmark]
    public void ChannelAttentionPool()
    {
        Pooling.PlaneSum(_a, _pooled, Feature, Hw, 1f / Hw);
        Dev.Synchronize();
    }
}
