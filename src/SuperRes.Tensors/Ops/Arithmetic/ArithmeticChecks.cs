using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Checks;

internal static class ArithmeticDraws
{
    public static TensorOpDraw Binary(Random rng, Func<Tensor, Tensor, Tensor> op)
    {
        var shape = CheckShapes.Nchw(rng);
        long n = CheckShapes.Count(shape);
        var grads = Differentiable.Flags(rng, 2);
        return new($"{CheckShapes.Format(shape)} {Differentiable.Describe(grads)}",
            [new(shape, RandomData.Uniform(rng, n), grads[0]), new(shape, RandomData.Uniform(rng, n), grads[1])],
            shape, t => op(t[0], t[1]));
    }

    public static TensorOpDraw Scale(Random rng)
    {
        var shape = CheckShapes.Nchw(rng);
        float s = rng.NextSingle() * 4 - 2;
        return new($"{CheckShapes.Format(shape)} s={s:G4}", [new(shape, RandomData.Uniform(rng, CheckShapes.Count(shape)))], shape, t => Ops.Scale(t[0], s));
    }

    public static TensorOpDraw ResidualAdd(Random rng)
    {
        float scale = rng.NextSingle() * 4 - 2;
        var d = Binary(rng, (x, r) => Ops.ResidualAdd(x, r, scale));
        return d with { Configuration = $"{d.Configuration} scale={scale:G4}" };
    }
}

internal sealed class AddForwardCheck() : TensorOpCheck("add", "forward", rng => ArithmeticDraws.Binary(rng, Ops.Add));
internal sealed class AddBackwardCheck() : TensorOpCheck("add", "backward", rng => ArithmeticDraws.Binary(rng, Ops.Add));

internal sealed class SubtractForwardCheck() : TensorOpCheck("subtract", "forward", rng => ArithmeticDraws.Binary(rng, Ops.Subtract));
internal sealed class SubtractBackwardCheck() : TensorOpCheck("subtract", "backward", rng => ArithmeticDraws.Binary(rng, Ops.Subtract));

internal sealed class MultiplyForwardCheck() : TensorOpCheck("multiply", "forward", rng => ArithmeticDraws.Binary(rng, Ops.Multiply));
internal sealed class MultiplyBackwardCheck() : TensorOpCheck("multiply", "backward", rng => ArithmeticDraws.Binary(rng, Ops.Multiply));

internal sealed class ScaleForwardCheck() : TensorOpCheck("scale", "forward", ArithmeticDraws.Scale);
internal sealed class ScaleBackwardCheck() : TensorOpCheck("scale", "backward", ArithmeticDraws.Scale);

internal sealed class ResidualAddForwardCheck() : TensorOpCheck("residual_add", "forward", ArithmeticDraws.ResidualAdd);
internal sealed class ResidualAddBackwardCheck() : TensorOpCheck("residual_add", "backward", ArithmeticDraws.ResidualAdd);
