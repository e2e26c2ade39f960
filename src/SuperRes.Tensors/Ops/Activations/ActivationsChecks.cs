using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Checks;

internal static class ActivationDraws
{
    public static TensorOpDraw LeakyRelu(Random rng)
    {
        var shape = CheckShapes.Nchw(rng);
        float slope = rng.NextSingle() - 0.5f;
        return new($"{CheckShapes.Format(shape)} slope={slope:G4}",
            [new(shape, RandomData.AwayFromZero(rng, CheckShapes.Count(shape)))], shape, t => Ops.LeakyRelu(t[0], slope));
    }

    /// <summary>Shared or per-channel slopes; one draw in four is large enough that the slope gradient's reduction takes two passes.</summary>
    public static TensorOpDraw Prelu(Random rng)
    {
        int[] shape = rng.Next(4) == 0 ? [rng.Next(2, 4), rng.Next(1, 4), 64, rng.Next(64, 80)] : CheckShapes.Nchw(rng);
        bool shared = rng.Next(2) == 0;
        int slopes = shared ? 1 : shape[1];
        var grads = Differentiable.Flags(rng, 2);
        return new($"{CheckShapes.Format(shape)} {(shared ? "shared slope" : "per-channel slopes")} {Differentiable.Describe(grads)}",
            [
                new(shape, RandomData.AwayFromZero(rng, CheckShapes.Count(shape)), grads[0]),
                new([slopes], RandomData.Uniform(rng, slopes, -0.5f, 0.5f), grads[1]),
            ],
            shape, t => Ops.Prelu(t[0], t[1]));
    }

    public static TensorOpDraw Unary(Random rng, float range, Func<Tensor, Tensor> op)
    {
        var shape = CheckShapes.Nchw(rng);
        return new(CheckShapes.Format(shape), [new(shape, RandomData.Uniform(rng, CheckShapes.Count(shape), -range, range))], shape, t => op(t[0]));
    }
}

internal sealed class LeakyReluForwardCheck() : TensorOpCheck("leaky_relu", "forward", ActivationDraws.LeakyRelu);
internal sealed class LeakyReluBackwardCheck() : TensorOpCheck("leaky_relu", "backward", ActivationDraws.LeakyRelu);

internal sealed class PreluForwardCheck() : TensorOpCheck("prelu", "forward", ActivationDraws.Prelu);
internal sealed class PreluBackwardCheck() : TensorOpCheck("prelu", "backward", ActivationDraws.Prelu)
{
    // A shared slope's gradient sums up to 82k products of random sign: the sum is about √N times smaller than the sum
    // of their magnitudes, so a float tree reduction (the kernels') lands up to a few 1e-4 from the double reference's
    // result (doctor seed 702156317: 2.75e-4). The input gradient is exact.
    public override double Tolerance => 1e-3;
}

// Wide enough to reach sigmoid's saturated tails.
internal sealed class SigmoidForwardCheck() : TensorOpCheck("sigmoid", "forward", rng => ActivationDraws.Unary(rng, 8f, Ops.Sigmoid));
internal sealed class SigmoidBackwardCheck() : TensorOpCheck("sigmoid", "backward", rng => ActivationDraws.Unary(rng, 8f, Ops.Sigmoid));

internal sealed class TanhForwardCheck() : TensorOpCheck("tanh", "forward", rng => ActivationDraws.Unary(rng, 4f, Ops.Tanh));
internal sealed class TanhBackwardCheck() : TensorOpCheck("tanh", "backward", rng => ActivationDraws.Unary(rng, 4f, Ops.Tanh));
