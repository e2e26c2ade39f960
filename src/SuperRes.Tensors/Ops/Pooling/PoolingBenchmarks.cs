using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Primitives;

/// <summary>RCAN's channel attention on 1×64×128×128: the squeeze (the mean of each plane) and the excitation (every plane times its weight).</summary>
internal abstract class PoolingBenchmark(string pass) : OpBenchmark
{
    protected const int Planes = 64, Hw = 128 * 128;
    protected DeviceBuffer X = null!, PerPlane = null!, Y = null!;

    public override string Name => $"{pass} {OpLabel.Planes(Planes, Hw)}";

    protected override void Allocate()
    {
        X = Random((long)Planes * Hw);
        PerPlane = Random(Planes);
        Y = Empty((long)Planes * Hw);
    }
}

internal sealed class PlaneSumBenchmark() : PoolingBenchmark("plane_sum")
{
    public override void Run() => Pooling.PlaneSum(X, PerPlane, Planes, Hw, 1f / Hw);
}

internal sealed class PlaneMultiplyBenchmark() : PoolingBenchmark("plane_multiply")
{
    public override void Run() => Pooling.PlaneMultiply(X, PerPlane, Y, Planes, Hw);
}
