using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Checks;

/// <summary>Shapes for per-plane and per-channel reductions: the usual awkward ones, and planes several work-groups wide.</summary>
internal static class ReductionShapes
{
    public static int[] Nchw(Random rng) =>
        rng.Next(5) == 0 ? [rng.Next(1, 3), rng.Next(1, 5), rng.Next(17, 65), rng.Next(17, 65)] : CheckShapes.Nchw(rng);

    public static int[] Planes(int[] nchw) => [nchw[0], nchw[1], 1, 1];

    /// <summary>The outputs of <paramref name="op"/> on x (of <paramref name="shape"/>), with no gradient recorded.</summary>
    public static float[][] Forward(CheckContext ctx, int[] shape, float[] x, Func<Tensor, Tensor[]> op)
    {
        using var _ = Autograd.Tape.NoGrad();
        using var xt = Tensor.FromArray(ctx.Device, shape, x);
        var outputs = op(xt);
        var values = outputs.Select(o => o.ToArray()).ToArray();
        foreach (var output in outputs)
            output.Dispose();
        return values;
    }
}

/// <summary>The plane means; backward: their gradient, spread over the planes.</summary>
internal abstract class GlobalAvgPoolCheck(bool backward) : OpCheck
{
    public override string Op => "global_avg_pool";

    public override string Pass => backward ? "backward" : "forward";

    public override OpCase NewCase(Random rng)
    {
        var shape = ReductionShapes.Nchw(rng);
        var x = RandomData.Uniform(rng, CheckShapes.Count(shape));
        if (!backward)
            return new(CheckShapes.Format(shape), ctx => ReductionShapes.Forward(ctx, shape, x, t => [Ops.GlobalAvgPool(t)]));
        var g = RandomData.Uniform(rng, shape[0] * shape[1]);
        return new(CheckShapes.Format(shape), ctx => GradientCase.Run(ctx, [new(shape, x)], t => Ops.GlobalAvgPool(t[0]), g));
    }
}

internal sealed class GlobalAvgPoolForwardCheck() : GlobalAvgPoolCheck(backward: false);

internal sealed class GlobalAvgPoolBackwardCheck() : GlobalAvgPoolCheck(backward: true);

internal sealed class ChannelMeanStdForwardCheck : OpCheck
{
    public override string Op => "channel_mean_std";

    public override OpCase NewCase(Random rng)
    {
        var shape = ReductionShapes.Nchw(rng);
        // An offset, so that the std is computed around a mean far from 0.
        float offset = rng.NextSingle() * 8 - 4;
        var x = RandomData.Uniform(rng, CheckShapes.Count(shape), offset - 1, offset + 1);
        return new($"{CheckShapes.Format(shape)} offset={offset:G3}", ctx => ReductionShapes.Forward(ctx, shape, x, t =>
        {
            var (mean, std) = Ops.ChannelMeanStd(t);
            return [mean, std];
        }));
    }
}

/// <summary>Gradients through both outputs at once: the loss is Σ g·mean·std (the product by channel_multiply).</summary>
internal sealed class ChannelMeanStdBackwardCheck : OpCheck
{
    public override string Op => "channel_mean_std";

    public override string Pass => "backward";

    public override OpCase NewCase(Random rng)
    {
        var shape = ReductionShapes.Nchw(rng);
        var x = RandomData.Uniform(rng, CheckShapes.Count(shape), -0.5f, 1.5f);
        var g = RandomData.Uniform(rng, shape[0] * shape[1]);
        return new(CheckShapes.Format(shape), ctx =>
            GradientCase.Run(ctx, [new(shape, x)], t =>
            {
                var (mean, std) = Ops.ChannelMeanStd(t[0]);
                using (mean)
                using (std)
                    return Ops.ChannelMultiply(mean, std);
            }, g));
    }
}
