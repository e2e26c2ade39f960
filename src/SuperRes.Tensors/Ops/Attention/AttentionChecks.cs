using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Checks;

internal static class AttentionDraws
{
    /// <summary>Either factor alone, or both, takes a gradient (the node keeps only the factors it needs).</summary>
    public static TensorOpDraw ChannelMultiply(Random rng)
    {
        var shape = ReductionShapes.Nchw(rng);
        var planes = ReductionShapes.Planes(shape);
        int wanted = rng.Next(3);
        bool xGrad = wanted != 1, aGrad = wanted != 0;
        return new($"{CheckShapes.Format(shape)} grad x={xGrad} a={aGrad}",
            [
                new(shape, RandomData.Uniform(rng, CheckShapes.Count(shape)), xGrad),
                new(planes, RandomData.Uniform(rng, CheckShapes.Count(planes)), aGrad),
            ],
            shape, t => Ops.ChannelMultiply(t[0], t[1]));
    }
}

internal sealed class ChannelMultiplyForwardCheck() : TensorOpCheck("channel_multiply", "forward", AttentionDraws.ChannelMultiply);
internal sealed class ChannelMultiplyBackwardCheck() : TensorOpCheck("channel_multiply", "backward", AttentionDraws.ChannelMultiply);
