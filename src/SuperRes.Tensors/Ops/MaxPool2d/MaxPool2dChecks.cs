using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Checks;

/// <summary>
/// Random NCHW inputs (odd sides, so floor mode drops a row or column) pooled 2×2/2 (VGG), 3×3/2 (overlapping
/// windows) or 3×3/3; values are often rounded to a few levels so that windows hold ties.
/// </summary>
internal static class MaxPool2dDraw
{
    private static readonly (int K, int S)[] Windows = [(2, 2), (3, 2), (3, 3)];

    public static TensorOpDraw Draw(Random rng)
    {
        var (k, s) = Windows[rng.Next(Windows.Length)];
        var shape = CheckShapes.Nchw(rng);
        shape[2] = Math.Max(shape[2], k);
        shape[3] = Math.Max(shape[3], k);
        var x = RandomData.Uniform(rng, CheckShapes.Count(shape));
        bool ties = rng.Next(2) == 0;
        if (ties)
            for (int i = 0; i < x.Length; i++)
                x[i] = MathF.Round(x[i] * 2) / 2;
        int[] output = [shape[0], shape[1], (shape[2] - k) / s + 1, (shape[3] - k) / s + 1];
        return new($"{CheckShapes.Format(shape)} k{k} s{s}{(ties ? " ties" : "")}", [new(shape, x)], output, t => Ops.MaxPool2d(t[0], k, s));
    }
}

internal sealed class MaxPool2dForwardCheck() : TensorOpCheck("max_pool2d", "forward", MaxPool2dDraw.Draw);

internal sealed class MaxPool2dBackwardCheck() : TensorOpCheck("max_pool2d", "backward", MaxPool2dDraw.Draw);
