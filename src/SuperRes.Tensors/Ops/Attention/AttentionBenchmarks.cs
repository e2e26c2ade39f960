using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Primitives;

/// <summary>RCAN's excitation: each of 64 planes of 128×128 times its attention weight.</summary>
internal sealed class ChannelMultiplyBenchmark : OpBenchmark
{
    private const int Planes = 64, Hw = 128 * 128;
    private DeviceBuffer _x = null!, _weights = null!, _y = null!;

    public override string Name => $"channel_multiply forward {Planes}x128x128";

    protected override void Allocate()
    {
        _x = Random((long)Planes * Hw);
        _weights = Random(Planes);
        _y = Empty((long)Planes * Hw);
    }

    public override void Run() => Pooling.PlaneMultiply(_x, _weights, _y, Planes, Hw);
}
