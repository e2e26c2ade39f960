using SuperRes.Tensors.Autograd;

namespace SuperRes.Tensors.Verification;

/// <summary>One random configuration of a tensor-level op: its inputs (those flagged differentiable get gradients) and the call.</summary>
public sealed record TensorOpDraw(string Configuration, GradientCase.Input[] Inputs, int[] OutputShape, Func<Tensor[], Tensor> Op);

/// <summary>
/// The forward and backward checks of a tensor-level op share one drawer. Forward runs the op under NoGrad and
/// returns its output; backward runs it through autograd with a random upstream gradient and returns the
/// output followed by the gradient of every differentiable input.
/// </summary>
public abstract class TensorOpCheck(string op, string pass, Func<Random, TensorOpDraw> draw) : OpCheck
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

public static class Differentiable
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
