using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Checks;

/// <summary>
/// Random dense layers: batch 1–5, feature counts from 1 to past two tiles (odd, prime), sometimes a wide input
/// (a flattened feature map), with and without bias; any subset of x, weight and bias takes a gradient.
/// </summary>
internal static class LinearDraw
{
    public static TensorOpDraw Draw(Random rng)
    {
        int batch = rng.Next(1, 6);
        int inFeatures = rng.Next(4) == 0 ? rng.Next(300, 1200) : rng.Next(1, 40);
        int outFeatures = rng.Next(1, 40);
        bool bias = rng.Next(3) != 0;
        var grads = Differentiable.Flags(rng, bias ? 3 : 2);
        GradientCase.Input[] inputs =
        [
            new([batch, inFeatures], RandomData.Uniform(rng, batch * inFeatures), grads[0]),
            new([outFeatures, inFeatures], RandomData.Uniform(rng, outFeatures * inFeatures), grads[1]),
            .. bias ? [new GradientCase.Input([outFeatures], RandomData.Uniform(rng, outFeatures), grads[2])] : Array.Empty<GradientCase.Input>(),
        ];
        return new($"{batch}×{inFeatures}→{outFeatures} bias={bias} {Differentiable.Describe(grads)}", inputs, [batch, outFeatures],
            t => Ops.Linear(t[0], t[1], bias ? t[2] : null));
    }
}

internal sealed class LinearForwardCheck() : TensorOpCheck("linear", "forward", LinearDraw.Draw);

internal sealed class LinearBackwardCheck() : TensorOpCheck("linear", "backward", LinearDraw.Draw);
