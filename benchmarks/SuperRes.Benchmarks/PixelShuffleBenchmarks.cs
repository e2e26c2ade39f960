using BenchmarkDotNet.Attributes;
using SuperRes.Runtime;
using SuperRes.Tensors.Primitives;

namespace SuperRes.Benchmarks;

/// <summary>
/// pixel_shuffle with r = 2 on 1×256×128×128 → 1×64×256×256 (64 MiB each way): forward, and backward (the unshuffle
/// of the output gradient that the autograd node runs). Each iteration waits for the device, so the time is the kernel's.
/// </summary>
public class PixelShuffleBenchmarks
{
    private const int R = 2, Planes = 64, H = 128, W = 128;
    private const long Length = (long)Planes * R * R * H * W;

    private Device _device = null!;
    private DeviceBuffer _deep = null!;
    private DeviceBuffer _wide = null!;

    public static IEnumerable<string> DeviceIds => BenchmarkDevices.Ids;

    [ParamsSource(nameof(DeviceIds))]
    public string Device { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _device = BenchmarkDevices.Open(Device);
        var values = new float[Length];
        var rng = new Random(1);
        for (long i = 0; i < Length; i++)
            values[i] = rng.NextSingle();
        _deep = _device.Upload(values);
        _wide = _device.Upload(values);
        // Builds the kernels before measuring.
        Forward();
        Backward();
    }

    [Benchmark]
    public void Forward()
    {
        PixelShuffle.Shuffle(_deep, _wide, Planes, H, W, R);
        _device.Synchronize();
    }

    [Benchmark]
    public void Backward()
    {
        PixelShuffle.Unshuffle(_wide, _deep, Planes, H, W, R);
        _device.Synchronize();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _deep.Dispose();
        _wide.Dispose();
        _device.Dispose();
    }
}
