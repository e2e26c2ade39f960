using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Tests;

public sealed class ReluGradientTests
{
    [Fact]
    public void CpuGradientMatchesFloat64FiniteDifferences()
    {
        var rng = new Random(11);
        int[] shape = [2, 3, 5, 7];
        var x = RandomData.AwayFromZero(rng, 210);
        var g = RandomData.Uniform(rng, 210);
        Float64GradCheck.Verify([new(shape, x)], xs => xs[0].Select(v => Math.Max(v, 0)).ToArray(), t => Ops.Relu(t[0]), g);
    }
}
