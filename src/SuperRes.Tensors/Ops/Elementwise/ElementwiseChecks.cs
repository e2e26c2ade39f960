using SuperRes.Tensors.Primitives;
using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Checks;

internal sealed class FillCheck : OpCheck
{
    public override string Op => "fill";

    public override OpCase NewCase(Random rng)
    {
        long n = CheckSizes.Length(rng);
        float value = rng.NextSingle() * 4 - 2;
        return new($"n={n}", ctx =>
        {
            var y = ctx.Output(n);
            Elementwise.Fill(y, value, n);
            return [ctx.Read(y)];
        });
    }
}

internal sealed class CopyCheck : OpCheck
{
    public override string Op => "copy";

    public override OpCase NewCase(Random rng)
    {
        long n = CheckSizes.Length(rng);
        var x = RandomData.Uniform(rng, n);
        return new($"n={n}", ctx =>
        {
            var y = ctx.Output(n);
            Elementwise.Copy(ctx.Input(x), y, n);
            return [ctx.Read(y)];
        });
    }
}

internal sealed class AxpyCheck : OpCheck
{
    public override string Op => "axpy";

    public override OpCase NewCase(Random rng)
    {
        long n = CheckSizes.Length(rng);
        var x = RandomData.Uniform(rng, n);
        var y0 = RandomData.Uniform(rng, n);
        float a = rng.NextSingle() * 4 - 2;
        return new($"n={n} a={a:G4}", ctx =>
        {
            var y = ctx.Input(y0);
            Elementwise.Axpy(a, ctx.Input(x), y, n);
            return [ctx.Read(y)];
        });
    }
}

// Values away from 0: relu's gradient has a kink there.
internal sealed class ReluForwardCheck() : TensorOpCheck("relu", "forward", ElementwiseDraws.Relu);
internal sealed class ReluBackwardCheck() : TensorOpCheck("relu", "backward", ElementwiseDraws.Relu);

internal static class ElementwiseDraws
{
    public static TensorOpDraw Relu(Random rng)
    {
        var shape = CheckShapes.Nchw(rng);
        return new(CheckShapes.Format(shape), [new(shape, RandomData.AwayFromZero(rng, CheckShapes.Count(shape)))], shape, t => Ops.Relu(t[0]));
    }
}
