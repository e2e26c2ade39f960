using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Primitives;

/// <summary>EDSR's residual add on one 64×128×128 feature map (a 128² input).</summary>
internal sealed class ResidualAddBenchmark : OpBenchmark
{
    private const long Length = 64L * 128 * 128;
    private DeviceBuffer _x = null!, _residual = null!, _y = null!;

    public override string Name => "residual_add forward 64x128x128";

    protected override void Allocate()
    {
        _x = Random(Length);
        _residual = Random(Length);
        _y = Empty(Length);
    }

    public override void Run() => Arithmetic.ResidualAdd(_x, _residual, 1f, _y, Length);
}
