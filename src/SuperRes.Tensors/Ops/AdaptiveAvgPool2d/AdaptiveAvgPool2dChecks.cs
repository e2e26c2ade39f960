using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Checks;

/// <summary>Random NCHW inputs pooled to 1×1–7×7 bins: sizes that divide, that do not (overlapping bins), and inputs smaller than the output.</summary>
internal static class AdaptiveAvgPool2dDraw
{
    public static TensorOpDraw Draw(Random rng)
    {
        var shape = CheckShapes.Nchw(rng);
        int height = rng.Next(1, 8), width = rng.Next(1, 8);
        return new($"{CheckShapes.Format(shape)} to {height}x{width}", [new(shape, RandomData.Uniform(rng, CheckShapes.Count(shape)))],
            [shape[0], shape[1], height, width], t => Ops.AdaptiveAvgPool2d(t[0], height, width));
    }
}

internal sealed class AdaptiveAvgPool2dForwardCheck() : TensorOpCheck("adaptive_avg_pool2d", "forward", AdaptiveAvgPool2dDraw.Draw);

internal sealed class AdaptiveAvgPool2dBackwardCheck() : TensorOpCheck("adaptive_avg_pool2d", "backward", AdaptiveAvgPool2dDraw.Draw);
