using SuperRes.Tensors.Primitives;
using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Checks;

/// <summary>A buffer-level op over a random length that writes one buffer, the output compared.</summary>
internal abstract class LengthCheck(string op) : OpCheck
{
    public override string Op => op;

    public override OpCase NewCase(Random rng)
    {
        long n = CheckSizes.Length(rng);
        var (configuration, run) = Draw(rng, n);
        return new($"n={n}{configuration}", ctx => [ctx.Read(run(ctx))]);
    }

    /// <summary>Draws the op's parameters and inputs for <paramref name="n"/> elements; the run returns the buffer it wrote.</summary>
    protected abstract (string Configuration, Func<CheckContext, DeviceBuffer> Run) Draw(Random rng, long n);
}

internal sealed class FillCheck() : LengthCheck("fill")
{
    protected override (string, Func<CheckContext, DeviceBuffer>) Draw(Random rng, long n)
    {
        float value = rng.NextSingle() * 4 - 2;
        return ("", ctx =>
        {
            var y = ctx.Output(n);
            Elementwise.Fill(y, value, n);
            return y;
        });
    }
}

internal sealed class CopyCheck() : LengthCheck("copy")
{
    protected override (string, Func<CheckContext, DeviceBuffer>) Draw(Random rng, long n)
    {
        var x = RandomData.Uniform(rng, n);
        return ("", ctx =>
        {
            var y = ctx.Output(n);
            Elementwise.Copy(ctx.Input(x), y, n);
            return y;
        });
    }
}

internal sealed class AxpyCheck() : LengthCheck("axpy")
{
    protected override (string, Func<CheckContext, DeviceBuffer>) Draw(Random rng, long n)
    {
        var x = RandomData.Uniform(rng, n);
        var y0 = RandomData.Uniform(rng, n);
        float a = rng.NextSingle() * 4 - 2;
        return ($" a={a:G4}", ctx =>
        {
            var y = ctx.Input(y0);
            Elementwise.Axpy(a, ctx.Input(x), y, n);
            return y;
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
