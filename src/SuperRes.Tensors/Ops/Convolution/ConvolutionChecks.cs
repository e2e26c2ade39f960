using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Checks;

/// <summary>A random convolution configuration: its inputs (x, weight, bias when present), the op applied to them, the output's length.</summary>
internal interface IConvolutionCase<TSelf> where TSelf : IConvolutionCase<TSelf>
{
    static abstract TSelf Draw(Random rng);

    long OutputLength { get; }

    IReadOnlyList<GradientCase.Input> Inputs(Random rng);

    Tensor Apply(Tensor[] t);
}

/// <summary>Forward outputs y; backward outputs y, then the gradients of x, weight and (when present) bias.</summary>
internal abstract class ConvolutionCheck<TCase>(string op, bool backward) : OpCheck where TCase : IConvolutionCase<TCase>
{
    public override string Op => op;

    public override string Pass => backward ? "backward" : "forward";

    public override OpCase NewCase(Random rng)
    {
        var config = TCase.Draw(rng);
        var inputs = config.Inputs(rng);
        if (backward)
        {
            var upstream = RandomData.Uniform(rng, config.OutputLength);
            return new(config.ToString()!, ctx => GradientCase.Run(ctx, inputs, config.Apply, upstream));
        }
        return new(config.ToString()!, ctx =>
        {
            using var _ = Autograd.Tape.NoGrad();
            var tensors = inputs.Select(i => ctx.Own(Tensor.FromArray(ctx.Device, i.Shape, i.Data))).ToArray();
            using var y = config.Apply(tensors);
            return [y.ToArray()];
        });
    }
}
