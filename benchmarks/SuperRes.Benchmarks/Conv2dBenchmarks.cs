using BenchmarkDotNet.Attributes;
using SuperRes.Runtime;
using SuperRes.Tensors;
using SuperRes.Tensors.Primitives;

namespace SuperRes.Benchmarks;

/// <summary>
/// conv2d 3×3, 64 → 64 channels on 1×64×128×128 (the body layer of EDSR-like networks; 1.2 GFLOP per pass):
/// forward, input gradient and weight gradient. Each iteration waits for the device, so the time is the kernels'.
/// </summary>
public class Conv2dBenchmarks
{
    private static readonly Conv2dShape Conv = new(N: 1, Cin: 64, H: 128, W: 128, Cout: 64, K: 3, Stride: 1, PaddingMode.Zeros);

    private Device _device = null!;
    private DeviceBuffer _x = null!;
    private DeviceBuffer _weight = null!;
    private DeviceBuffer _bias = null!;
    private DeviceBuffer _y = null!;
    private DeviceBuffer _gy = null!;
    private DeviceBuffer _gx = null!;
    private DeviceBuffer _gw = null!;

    public static IEnumerable<string> DeviceIds => BenchmarkDevices.Ids;

    [ParamsSource(nameof(DeviceIds))]
    public string Device { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _device = BenchmarkDevices.Open(Device);
        var rng = new Random(1);
        _x = _device.Upload(Random(rng, Conv.InputLength));
        _weight = _device.Upload(Random(rng, Conv.WeightLength));
        _bias = _device.Upload(Random(rng, Conv.Cout));
        _gy = _device.Upload(Random(rng, Conv.OutputLength));
        _y = _device.Allocate(Conv.OutputLength);
        _gx = _device.Allocate(Conv.InputLength);
        _gw = _device.Allocate(Conv.WeightLength);
        // Builds the kernels before measuring.
        Forward();
        InputGradient();
        WeightGradient();
    }

    [Benchmark]
    public void Forward()
    {
        Conv2d.Forward(Conv, _x, _weight, _bias, _y);
        _device.Synchronize();
    }

    [Benchmark]
    public void InputGradient()
    {
        Conv2d.InputGrad(Conv, _gy, _weight, _gx);
        _device.Synchronize();
    }

    [Benchmark]
    public void WeightGradient()
    {
        Conv2d.WeightGrad(Conv, _x, _gy, _gw);
        _device.Synchronize();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var buffer in new[] { _x, _weight, _bias, _y, _gy, _gx, _gw })
            buffer.Dispose();
        _device.Dispose();
    }

    private static float[] Random(Random rng, long length)
    {
        var values = new float[length];
        for (long i = 0; i < length; i++)
            values[i] = rng.NextSingle() * 2 - 1;
        return values;
    }
}
