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
/// conv2d forward and its three gradients at the zoo's shapes: EDSR-baseline's body (64→64 3×3) at inference
/// (1×128×128) and training (16×48×48) sizes, EDSR's 256→256, MDSR's 5×5 pre-processing, FSRCNN's 5×5 first layer
/// and its 1×1 shrink/expand, RCAN's channel-attention 1×1 (64→4 on 1×1 planes).
/// </summary>
public class KernelConv2dBenchmarks : KernelBenchmarkBase
{
    public static IEnumerable<string> Cases =>
    [
        "3x3 64→64 128x128",
        "3x3 64→64 48x48 n16",
        "3x3 256→256 48x48",
        "5x5 64→64 64x64",
        "5x5 1→56 32x32 n16",
        "1x1 56→12 32x32 n16",
        "1x1 12→56 32x32 n16",
        "1x1 64→4 1x1",
    ];

    [ParamsSource(nameof(Cases))]
    public string Case { get; set; } = "";

    private Conv2dShape _s;
    private DeviceBuffer _x = null!, _w = null!, _b = null!, _y = null!, _gy = null!, _gx = null!, _gw = null!, _gb = null!;

    [GlobalSetup]
    public void Setup()
    {
        Open();
        _s = Parse(Case);
        _x = Random(_s.InputLength);
        _w = Random(_s.WeightLength);
        _b = Random(_s.Cout);
        _gy = Random(_s.OutputLength);
        _y = Empty(_s.OutputLength);
        _gx = Empty(_s.InputLength);
        _gw = Empty(_s.WeightLength);
        _gb = Empty(_s.Cout);
        Forward(); // kernel builds happen here, not in the measurements
        InputGrad();
        WeightGrad();
        BiasGrad();
    }

    [Benchmark]
    public void Forward()
    {
        Conv2d.Forward(_s, _x, _w, _b, _y);
        Dev.Synchronize();
    }

    [Benchmark]
    public void InputGrad()
    {
        Conv2d.InputGrad(_s, _gy, _w, _gx);
        Dev.Synchronize();
    }

    [Benchmark]
    public void WeightGrad()
    {
        Conv2d.WeightGrad(_s, _x, _gy, _gw);
        Dev.Synchronize();
    }

    [Benchmark]
    public void BiasGrad()
    {
        Conv2d.BiasGrad(_s, _gy, _gb);
        Dev.Synchronize();
    }

    /// <summary><c>KxK Cin→Cout HxW [nN]</c></summary>
    private static Conv2dShape Parse(string text)
    {
        var parts = text.Split(' ');
        int k = int.Parse(parts[0].Split('x')[0]);
        var channels = parts[1].Split('→');
        var size = parts[2].Split('x');
        int n = parts.Length > 3 ? int.Parse(parts[3][1..]) : 1;
        return new Conv2dShape(n, int.Parse(channels[0]), int.Parse(size[0]), int.Parse(size[1]), int.Parse(channels[1]), k, 1, PaddingMode.Zeros);
    }
}

/// <summary>FSRCNN's last layer: the 9×9 transposed convolution 56→1, stride 3 (x3), on 16×32×32 patches.</summary>
public class KernelConvTranspose2dBenchmarks : KernelBenchmarkBase
{
    private static readonly ConvTranspose2dGeometry G = new(N: 16, Cin: 56, H: 32, W: 32, Cout: 1, K: 9, Stride: 3, Padding: 4, OutputPadding: 2);
    private DeviceBuffer _x = null!, _w = null!, _b = null!, _y = null!, _gy = null!, _gx = null!, _gw = null!, _gb = null!;

    [GlobalSetup]
    public void Setup()
    {
        Open();
        _x = Random(G.InputLength);
        _w = Random(G.WeightLength);
        _b = Random(G.Cout);
        _gy = Random(G.OutputLength);
        _y = Empty(G.OutputLength);
        _gx = Empty(G.InputLength);
        _gw = Empty(G.WeightLength);
        _gb = Empty(G.Cout);
        Forward();
        BackwardInput();
        BackwardWeight();
        BackwardBias();
    }

    [Benchmark]
    public void Forward()
    {
        ConvTranspose2d.Forward(G, _x, _w, _b, _y);
        Dev.Synchronize();
    }

    [Benchmark]
    public void BackwardInput()
    {
        ConvTranspose2d.BackwardInput(G, _gy, _w, _gx);
        Dev.Synchronize();
    }

    [Benchmark]
    public void BackwardWeight()
    {
        ConvTranspose2d.BackwardWeight(G, _x, _gy, _gw);
        Dev.Synchronize();
    }

    [Benchmark]
    public void BackwardBias()
    {
        ConvTranspose2d.BackwardBias(G, _gy, _gb);
        Dev.Synchronize();
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

/// <summary>
/// The fused Adam update over every parameter of EDSR-baseline x2 (1,369,859 values in 72 tensors, updated
/// tensor by tensor as the optimizer does) and, for scale, over one 4M-value tensor.
/// </summary>
public class KernelAdamBenchmarks : KernelBenchmarkBase
{
    private const long Large = 4L << 20;
    private readonly List<(DeviceBuffer P, DeviceBuffer G, DeviceBuffer M, DeviceBuffer V, long N)> _edsr = [];
    private (DeviceBuffer P, DeviceBuffer G, DeviceBuffer M, DeviceBuffer V) _large;
    private DeviceBuffer _one = null!;
    private long _step;

    [GlobalSetup]
    public void Setup()
    {
        Open();
        _one = Random(1, 1f);
        Dev.Write(_one, [1f]);
        // EDSR-baseline x2: head 3→64, 16 blocks × 2 convs 64→64, body end 64→64, upsampler 64→256, tail 64→3 (3×3, with biases).
        var layers = new List<(int Cin, int Cout)> { (3, 64) };
        layers.AddRange(Enumerable.Repeat((64, 64), 33));
        layers.Add((64, 256));
        layers.Add((64, 3));
        foreach (var (cin, cout) in layers)
        {
            foreach (long n in new[] { (long)cout * cin * 9, cout })
                _edsr.Add((Random(n), Random(n), Random(n, 0), Random(n, 2), n));
        }
        _large = (Random(Large), Random(Large), Random(Large), Random(Large, 2));
        EdsrBaselineParameters();
        Large4M();
    }

    [Benchmark]
    public void EdsrBaselineParameters()
    {
        var h = AdamHyperParameters.Default(1e-4f, ++_step);
        foreach (var (p, g, m, v, n) in _edsr)
            Adam.Step(p, g, m, v, _one, n, h);
        Dev.Synchronize();
    }

    [Benchmark]
    public void Large4M()
    {
        Adam.Step(_large.P, _large.G, _large.M, _large.V, _one, Large, AdamHyperParameters.Default(1e-4f, ++_step));
        Dev.Synchronize();
    }
}
