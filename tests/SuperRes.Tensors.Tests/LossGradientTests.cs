using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Tests;

/// <summary>Losses and the reductions to one value (sum, mean).</summary>
public sealed class LossGradientTests
{
    private static readonly int[] Shape = [2, 3, 4, 5];
    private const int Length = 120;

    [Fact]
    public void L1LossMatchesFloat64FiniteDifferencesForPredictionAndTarget()
    {
        var rng = new Random(51);
        var p = RandomData.Uniform(rng, Length);
        var offset = RandomData.AwayFromZero(rng, Length);
        var t = p.Select((v, i) => v + offset[i]).ToArray();
        Float64GradCheck.Verify(
            [new(Shape, p), new(Shape, t)],
            xs => [xs[0].Zip(xs[1], (a, b) => Math.Abs(a - b)).Average()],
            x => Ops.L1Loss(x[0], x[1]),
            [0.7f]);
    }

    [Fact]
    public void MseLossMatchesFloat64FiniteDifferencesForPredictionAndTarget()
    {
        var rng = new Random(52);
        var p = RandomData.Uniform(rng, Length);
        var t = RandomData.Uniform(rng, Length);
        Float64GradCheck.Verify(
            [new(Shape, p), new(Shape, t)],
            xs => [xs[0].Zip(xs[1], (a, b) => (a - b) * (a - b)).Average()],
            x => Ops.MseLoss(x[0], x[1]),
            [-1.3f]);
    }

    [Fact]
    public void SumMatchesFloat64FiniteDifferences()
    {
        var x = RandomData.Uniform(new Random(53), Length);
        Float64GradCheck.Verify([new(Shape, x)], xs => [xs[0].Sum()], t => Ops.Sum(t[0]), [0.6f]);
    }

    [Fact]
    public void MeanMatchesFloat64FiniteDifferences()
    {
        var x = RandomData.Uniform(new Random(54), Length);
        Float64GradCheck.Verify([new(Shape, x)], xs => [xs[0].Average()], t => Ops.Mean(t[0]), [-2.1f]);
    }
}
