using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Checks;

/// <summary>
/// Random pixel (un)shuffles with r ∈ {2, 3, 4}: <c>Shape</c> is the op's input, drawn from the random NCHW shapes
/// with the channels (pixel_shuffle) or the image sides (pixel_unshuffle) scaled by r so they divide.
/// </summary>
internal sealed record PixelShuffleConfig(int[] Shape, int R, bool Unshuffle)
{
    public static PixelShuffleConfig Draw(Random rng, bool unshuffle)
    {
        int r = rng.Next(2, 5);
        var shape = CheckShapes.Nchw(rng, maxChannels: 5, maxSide: 12);
        if (unshuffle)
        {
            shape[2] *= r;
            shape[3] *= r;
        }
        else
        {
            shape[1] *= r * r;
        }
        return new(shape, r, unshuffle);
    }

    public Tensor Apply(Tensor x) => Unshuffle ? Ops.PixelUnshuffle(x, R) : Ops.PixelShuffle(x, R);

    public override string ToString() => $"{CheckShapes.Format(Shape)} r={R}";
}

internal abstract class PixelShuffleCheck(bool unshuffle, bool backward) : OpCheck
{
    public override string Op => unshuffle ? "pixel_unshuffle" : "pixel_shuffle";

    public override string Pass => backward ? "backward" : "forward";

    // A permutation: any difference at all is a bug.
    public override double Tolerance => 0;

    public override OpCase NewCase(Random rng)
    {
        var config = PixelShuffleConfig.Draw(rng, unshuffle);
        var x = RandomData.Uniform(rng, CheckShapes.Count(config.Shape));
        var upstream = RandomData.Uniform(rng, x.Length);
        if (backward)
            return new(config.ToString(), ctx => GradientCase.Run(ctx, [new(config.Shape, x)], t => config.Apply(t[0]), upstream));
        return new(config.ToString(), ctx =>
        {
            using var _ = Autograd.Tape.NoGrad();
            using var xt = Tensor.FromArray(ctx.Device, config.Shape, x);
            using var y = config.Apply(xt);
            return [y.ToArray()];
        });
    }
}

internal sealed class PixelShuffleForwardCheck() : PixelShuffleCheck(unshuffle: false, backward: false);

internal sealed class PixelShuffleBackwardCheck() : PixelShuffleCheck(unshuffle: false, backward: true);

internal sealed class PixelUnshuffleForwardCheck() : PixelShuffleCheck(unshuffle: true, backward: false);

internal sealed class PixelUnshuffleBackwardCheck() : PixelShuffleCheck(unshuffle: true, backward: true);
