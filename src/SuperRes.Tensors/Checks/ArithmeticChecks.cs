using SuperRes.Tensors.Autograd;
using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Checks;

/// <summary>One random configuration of a tensor-level op: its inputs (those flagged differentiable get gradients) and the call.</summary>
internal sealed record TensorOpDraw(string Configuration, GradientCase.Input[] Inputs, int[] OutputShape, Func<Tensor[], Tensor> Op);

/// <summary>
/// The forward and backward checks of a tensor-level op share one drawer. Forward runs the op under NoGrad and
/// returns its output; backward runs it through autograd with a random upstream gradient and returns the
/// output followed by the gradient of every differentiable input.
/// </summary>
internal abstract class TensorOpCheck(string op, string pass, Func<Random, TensorOpDraw> draw) : OpCheck
{
    public override string Op => op;

    public override string Pass => pass;

    public override OpCase NewCase(Random rng)
    {
        var d = draw(rng);
        if (pass == "forward")
            return new(d.Configuration, ctx =>
            {
                using var _ = Tape.NoGrad();
                var tensors = d.Inputs.Select(i => ctx.Own(Tensor.FromArray(ctx.Device, i.Shape, i.Data))).ToArray();
                return [ctx.Own(d.Op(tensors)).ToArray()];
            });
        var upstream = RandomData.Uniform(rng, CheckShapes.Count(d.OutputShape));
        return new(d.Configuration, ctx => GradientCase.Run(ctx, d.Inputs, d.Op, upstream));
    }
}

internal static class Differentiable
{
    /// <summary>Which of <paramref name="count"/> inputs want a gradient: each with probability 3/4, at least one.</summary>
    public static bool[] Flags(Random rng, int count)
    {
        var flags = new bool[count];
        for (int i = 0; i < count; i++)
            flags[i] = rng.Next(4) != 0;
        if (!flags.Contains(true))
            flags[rng.Next(count)] = true;
        return flags;
    }

    public static string Describe(bool[] flags) => "grad " + string.Concat(flags.Select(f => f ? '1' : '0'));
}

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
