using SuperRes.Tensors.Primitives;
using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Checks;

internal sealed class SumCheck : OpCheck
{
    /// <summary>Lengths the reduction must get right: one element, less than a group, and more than a million.</summary>
    public static readonly long[] RequiredLengths = [1, 7, 1_000_003];

    public override string Op => "sum";

    // Float accumulation over a million terms in a different order than the double reference.
    public override double Tolerance => 1e-5;

    public override OpCase NewCase(Random rng)
    {
        long n = rng.Next(2) == 0 ? RequiredLengths[rng.Next(RequiredLengths.Length)] : CheckSizes.Length(rng);
        // Positive data: a sum of mixed signs can cancel to ~0 and make any relative figure meaningless.
        var x = RandomData.Uniform(rng, n, 0.1f, 1f);
        return new($"n={n}", ctx =>
        {
            var result = ctx.Output(1);
            Reduce.Sum(ctx.Input(x), n, result);
            return [ctx.Read(result)];
        });
    }
}

// "sum forward" is the buffer-level SumCheck (Ops.Sum's forward is Reduce.Sum itself, checked there up to a million elements).
internal sealed class SumBackwardCheck() : TensorOpCheck("sum", "backward", rng => ReduceDraws.Reduction(rng, Ops.Sum));

internal sealed class MeanForwardCheck() : TensorOpCheck("mean", "forward", rng => ReduceDraws.Reduction(rng, Ops.Mean));
internal sealed class MeanBackwardCheck() : TensorOpCheck("mean", "backward", rng => ReduceDraws.Reduction(rng, Ops.Mean));

internal static class ReduceDraws
{
    /// <summary>Positive data: a sum of mixed signs can cancel to ~0 and make the relative figure meaningless.</summary>
    public static TensorOpDraw Reduction(Random rng, Func<Tensor, Tensor> op)
    {
        var shape = CheckShapes.Nchw(rng);
        return new(CheckShapes.Format(shape), [new(shape, RandomData.Uniform(rng, CheckShapes.Count(shape), 0.1f, 1f))], [1], t => op(t[0]));
    }
}
