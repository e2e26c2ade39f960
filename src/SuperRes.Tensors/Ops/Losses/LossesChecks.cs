using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Checks;

internal static class LossDraws
{
    /// <summary>The target is the prediction plus an offset bounded away from 0, so no element sits on L1's kink.</summary>
    public static TensorOpDraw L1(Random rng)
    {
        var shape = CheckShapes.Nchw(rng);
        long n = CheckShapes.Count(shape);
        var p = RandomData.Uniform(rng, n);
        var offset = RandomData.AwayFromZero(rng, n);
        var t = p.Select((v, i) => v + offset[i]).ToArray();
        return Loss(rng, shape, p, t, Ops.L1Loss);
    }

    public static TensorOpDraw Mse(Random rng)
    {
        var shape = CheckShapes.Nchw(rng);
        long n = CheckShapes.Count(shape);
        return Loss(rng, shape, RandomData.Uniform(rng, n), RandomData.Uniform(rng, n), Ops.MseLoss);
    }

    private static TensorOpDraw Loss(Random rng, int[] shape, float[] p, float[] t, Func<Tensor, Tensor, Tensor> loss)
    {
        var grads = Differentiable.Flags(rng, 2);
        return new($"{CheckShapes.Format(shape)} {Differentiable.Describe(grads)}", [new(shape, p, grads[0]), new(shape, t, grads[1])], [1],
            x => loss(x[0], x[1]));
    }
}

internal sealed class L1LossForwardCheck() : TensorOpCheck("l1_loss", "forward", LossDraws.L1);
internal sealed class L1LossBackwardCheck() : TensorOpCheck("l1_loss", "backward", LossDraws.L1);

internal sealed class MseLossForwardCheck() : TensorOpCheck("mse_loss", "forward", LossDraws.Mse);
internal sealed class MseLossBackwardCheck() : TensorOpCheck("mse_loss", "backward", LossDraws.Mse);
