using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Primitives;

/// <summary>RCAN's channel-attention squeeze on 1×64×128×128: the mean of each plane (its excitation is channel_multiply's case).</summary>
internal sealed class PlaneSumBenchmark : OpBenchmark
{
    private const int Planes = 64, Hw = 128 * 128;
    private DeviceBuffer _x = null!, _means = null!;

    public override string Name => $"plane_sum {OpLabel.Planes(Planes, Hw)}";

    protected override void Allocate()
    {
        _x = Random((long)Planes * Hw);
        _means = Empty(Planes);
    }

    public override void Run() => Pooling.PlaneSum(_x, _means, Planes, Hw, 1f / Hw);
}
