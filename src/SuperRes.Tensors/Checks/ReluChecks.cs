using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Checks;

/// <summary>Random NCHW shapes with the awkward cases every op must survive: 1×1 images, odd sizes, odd channels, batch &gt; 1.</summary>
internal static class CheckShapes
{
    public static int[] Nchw(Random rng, int maxChannels = 19, int maxSide = 23)
    {
        int n = rng.Next(1, 4);
        int c = rng.Next(1, maxChannels + 1);
        return rng.Next(6) switch
        {
            0 => [n, c, 1, 1],
            1 => [n, c, 7, 13],
            _ => [n, c, rng.Next(1, maxSide + 1), rng.Next(1, maxSide + 1)],
        };
    }

    public static long Count(int[] shape) => shape.Aggregate(1L, (a, d) => a * d);

    public static string Format(int[] shape) => string.Join("×", shape);
}

internal sealed class ReluForwardCheck : OpCheck
{
    public override string Op => "relu";

    public override OpCase NewCase(Random rng)
    {
        var shape = CheckShapes.Nchw(rng);
        var x = RandomData.Uniform(rng, CheckShapes.Count(shape));
        return new(CheckShapes.Format(shape), ctx =>
        {
            using var _ = Autograd.Tape.NoGrad();
            using var xt = Tensor.FromArray(ctx.Device, shape, x);
            using var y = Ops.Relu(xt);
            return [y.ToArray()];
        });
    }
}

internal sealed class ReluBackwardCheck : OpCheck
{
    public override string Op => "relu";

    public override string Pass => "backward";

    public override OpCase NewCase(Random rng)
    {
        var shape = CheckShapes.Nchw(rng);
        var x = RandomData.AwayFromZero(rng, CheckShapes.Count(shape));
        var g = RandomData.Uniform(rng, x.Length);
        return new(CheckShapes.Format(shape), ctx =>
            GradientCase.Run(ctx, [new(shape, x)], t => Ops.Relu(t[0]), g));
    }
}
