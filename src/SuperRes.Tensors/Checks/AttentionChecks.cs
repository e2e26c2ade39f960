using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Checks;

internal sealed class ChannelMultiplyForwardCheck : OpCheck
{
    public override string Op => "channel_multiply";

    public override OpCase NewCase(Random rng)
    {
        var shape = ReductionShapes.Nchw(rng);
        var planes = ReductionShapes.Planes(shape);
        var x = RandomData.Uniform(rng, CheckShapes.Count(shape));
        var a = RandomData.Uniform(rng, CheckShapes.Count(planes));
        return new(CheckShapes.Format(shape), ctx =>
        {
            using var _ = Autograd.Tape.NoGrad();
            using var xt = Tensor.FromArray(ctx.Device, shape, x);
            using var at = Tensor.FromArray(ctx.Device, planes, a);
            using var y = Ops.ChannelMultiply(xt, at);
            return [y.ToArray()];
        });
    }
}

internal sealed class ChannelMultiplyBackwardCheck : OpCheck
{
    public override string Op => "channel_multiply";

    public override string Pass => "backward";

    public override OpCase NewCase(Random rng)
    {
        var shape = ReductionShapes.Nchw(rng);
        var planes = ReductionShapes.Planes(shape);
        var x = RandomData.Uniform(rng, CheckShapes.Count(shape));
        var a = RandomData.Uniform(rng, CheckShapes.Count(planes));
        var g = RandomData.Uniform(rng, x.Length);
        // Either factor alone, or both, takes a gradient (the node keeps only the factors it needs).
        int wanted = rng.Next(3);
        bool xGrad = wanted != 1, aGrad = wanted != 0;
        return new($"{CheckShapes.Format(shape)} grad x={xGrad} a={aGrad}", ctx =>
            GradientCase.Run(ctx, [new(shape, x, xGrad), new(planes, a, aGrad)], t => Ops.ChannelMultiply(t[0], t[1]), g));
    }
}
