using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Primitives;

/// <summary>EDSR's ReLU on one 64×128×128 feature map (a 128² input).</summary>
internal sealed class ReluBenchmark : OpBenchmark
{
    private const long Length = 64L * 128 * 128;
    private DeviceBuffer _x = null!, _y = null!;

    public override string Name => "relu forward 64x128x128";

    protected override void Allocate()
    {
        _x = Random(Length);
        _y = Empty(Length);
    }

    public override void Run() => Elementwise.Relu(_x, _y, Length);
}
