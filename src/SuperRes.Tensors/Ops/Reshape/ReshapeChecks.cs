using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Checks;

/// <summary>Random NCHW batches flattened to [N, C·H·W]: the copy must move every value exactly, both ways.</summary>
internal static class FlattenDraw
{
    public static TensorOpDraw Draw(Random rng)
    {
        var shape = CheckShapes.Nchw(rng);
        return new(CheckShapes.Format(shape), [new(shape, RandomData.Uniform(rng, CheckShapes.Count(shape)))],
            [shape[0], shape[1] * shape[2] * shape[3]], t => Ops.Flatten(t[0]));
    }
}

internal sealed class FlattenForwardCheck() : TensorOpCheck("flatten", "forward", FlattenDraw.Draw)
{
    public override double Tolerance => 0;
}

internal sealed class FlattenBackwardCheck() : TensorOpCheck("flatten", "backward", FlattenDraw.Draw)
{
    public override double Tolerance => 0;
}
