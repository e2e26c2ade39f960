using SuperRes.Tensors.Autograd;
using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Checks;

internal static class ChannelDraws
{
    public static TensorOpDraw Concat(Random rng)
    {
        var baseShape = CheckShapes.Nchw(rng, maxChannels: 1);
        int parts = rng.Next(1, 5);
        var grads = Differentiable.Flags(rng, parts);
        var inputs = new GradientCase.Input[parts];
        int total = 0;
        for (int i = 0; i < parts; i++)
        {
            int[] shape = [baseShape[0], rng.Next(1, 8), baseShape[2], baseShape[3]];
            inputs[i] = new(shape, RandomData.Uniform(rng, CheckShapes.Count(shape)), grads[i]);
            total += shape[1];
        }
        return new($"{string.Join(" + ", inputs.Select(i => CheckShapes.Format(i.Shape)))} {Differentiable.Describe(grads)}",
            inputs, [baseShape[0], total, baseShape[2], baseShape[3]], Ops.Concat);
    }

    /// <summary>A random cut of x's channels into 1 to 4 parts.</summary>
    public static (int[] Shape, int[] Counts) Split(Random rng)
    {
        var shape = CheckShapes.Nchw(rng);
        int parts = rng.Next(1, Math.Min(4, shape[1]) + 1);
        var cuts = Enumerable.Range(1, shape[1] - 1).OrderBy(_ => rng.Next()).Take(parts - 1).Order().ToList();
        var counts = cuts.Append(shape[1]).Zip(cuts.Prepend(0), (end, start) => end - start).ToArray();
        return (shape, counts);
    }

    /// <summary>
    /// Split, then concat a shuffled, possibly incomplete selection of the parts: every selected part's gradient
    /// must land in its own channel range of x's, and the channels of parts left out must get zero.
    /// </summary>
    public static TensorOpDraw SplitThroughAutograd(Random rng)
    {
        var (shape, counts) = Split(rng);
        var order = Enumerable.Range(0, counts.Length).OrderBy(_ => rng.Next()).Take(rng.Next(1, counts.Length + 1)).ToArray();
        int[] outShape = [shape[0], order.Sum(i => counts[i]), shape[2], shape[3]];
        return new($"{CheckShapes.Format(shape)} into [{string.Join(", ", counts)}], concat parts [{string.Join(", ", order)}]",
            [new(shape, RandomData.Uniform(rng, CheckShapes.Count(shape)))], outShape, t => SplitThenConcat(t[0], counts, order));
    }

    /// <summary>Splits x into parts of <paramref name="counts"/> channels and joins the parts listed in <paramref name="order"/>.</summary>
    public static Tensor SplitThenConcat(Tensor x, int[] counts, int[] order)
    {
        var parts = Ops.Split(x, counts);
        var y = Ops.Concat(order.Select(i => parts[i]).ToArray());
        foreach (var part in parts)
            part.Dispose();
        return y;
    }

    public static TensorOpDraw ChannelAffine(Random rng)
    {
        var shape = CheckShapes.Nchw(rng);
        var scale = RandomData.Uniform(rng, shape[1], -2f, 2f);
        var shift = RandomData.Uniform(rng, shape[1], -2f, 2f);
        return new(CheckShapes.Format(shape), [new(shape, RandomData.Uniform(rng, CheckShapes.Count(shape)))], shape,
            t => Ops.ChannelAffine(t[0], scale, shift));
    }
}

internal sealed class ConcatForwardCheck() : TensorOpCheck("concat", "forward", ChannelDraws.Concat);
internal sealed class ConcatBackwardCheck() : TensorOpCheck("concat", "backward", ChannelDraws.Concat);

/// <summary>Every part of a split, as separate outputs.</summary>
internal sealed class SplitForwardCheck : OpCheck
{
    public override string Op => "split";

    public override OpCase NewCase(Random rng)
    {
        var (shape, counts) = ChannelDraws.Split(rng);
        var x = RandomData.Uniform(rng, CheckShapes.Count(shape));
        return new($"{CheckShapes.Format(shape)} into [{string.Join(", ", counts)}]", ctx =>
        {
            using var _ = Tape.NoGrad();
            var xt = ctx.Own(Tensor.FromArray(ctx.Device, shape, x));
            return Ops.Split(xt, counts).Select(p => ctx.Own(p).ToArray()).ToArray();
        });
    }
}

internal sealed class SplitBackwardCheck() : TensorOpCheck("split", "backward", ChannelDraws.SplitThroughAutograd);

internal sealed class ChannelAffineForwardCheck() : TensorOpCheck("channel_affine", "forward", ChannelDraws.ChannelAffine);
internal sealed class ChannelAffineBackwardCheck() : TensorOpCheck("channel_affine", "backward", ChannelDraws.ChannelAffine);
