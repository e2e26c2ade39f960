using SuperRes.Tensors.Verification;

namespace SuperRes.ExampleOp;

/// <summary>Random NCHW shapes (odd sizes, 1×1 planes, batch &gt; 1), values in [−1, 1) scaled by up to 100.</summary>
internal static class SoftsignDraw
{
    public static TensorOpDraw Draw(Random rng)
    {
        var shape = CheckShapes.Nchw(rng);
        float magnitude = 1 + 99 * rng.NextSingle();
        var x = RandomData.Uniform(rng, CheckShapes.Count(shape), -magnitude, magnitude);
        return new($"{CheckShapes.Format(shape)} |x|<{magnitude:F0}", [new(shape, x)], shape, t => ExampleOps.Softsign(t[0]));
    }
}

public sealed class SoftsignForwardCheck() : TensorOpCheck("softsign", "forward", SoftsignDraw.Draw);

public sealed class SoftsignBackwardCheck() : TensorOpCheck("softsign", "backward", SoftsignDraw.Draw);
