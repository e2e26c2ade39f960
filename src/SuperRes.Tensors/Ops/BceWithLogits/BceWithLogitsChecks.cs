using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Checks;

/// <summary>
/// Logits of every size (|x| up to 40, where e^x overflows a naive form and log(1 + e^−|x|) needs log1p), against
/// hard 0/1 labels or soft targets in [0, 1]; lengths from one value to past the reduction's group count.
/// </summary>
internal static class BceWithLogitsDraw
{
    public static TensorOpDraw Draw(Random rng)
    {
        long n = rng.Next(3) == 0 ? CheckSizes.Length(rng) : rng.Next(1, 40);
        float magnitude = rng.Next(3) == 0 ? 40 : 4;
        var x = RandomData.Uniform(rng, n, -magnitude, magnitude);
        bool hard = rng.Next(2) == 0;
        var t = hard ? RandomData.Uniform(rng, n, 0, 1).Select(v => v < 0.5f ? 0f : 1f).ToArray() : RandomData.Uniform(rng, n, 0, 1);
        var grads = Differentiable.Flags(rng, 2);
        int[] shape = [(int)n];
        return new($"n={n} |x|<{magnitude} {(hard ? "labels" : "soft")} {Differentiable.Describe(grads)}",
            [new(shape, x, grads[0]), new(shape, t, grads[1])], [1], v => Ops.BceWithLogitsLoss(v[0], v[1]));
    }
}

internal sealed class BceWithLogitsForwardCheck() : TensorOpCheck("bce_with_logits", "forward", BceWithLogitsDraw.Draw);

internal sealed class BceWithLogitsBackwardCheck() : TensorOpCheck("bce_with_logits", "backward", BceWithLogitsDraw.Draw);
