using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Checks;

/// <summary>One random batch-norm configuration: shape, mode, momentum, epsilon and all five inputs.</summary>
internal sealed record BatchNormCase(int[] Shape, bool Training, float Momentum, float Epsilon, float[] X, float[] Weight, float[] Bias, float[] RunningMean, float[] RunningVar)
{
    private static readonly float[] Epsilons = [1e-5f, 1e-3f, 0.1f];

    /// <param name="minCount">Least batch·H·W per channel in training mode.</param>
    public static BatchNormCase Draw(Random rng, int minCount)
    {
        bool training = rng.Next(2) == 0;
        int[] shape;
        do
            shape = ReductionShapes.Nchw(rng);
        while (training && shape[0] * shape[2] * shape[3] < minCount);
        int c = shape[1];
        return new(shape, training, 0.01f + 0.98f * rng.NextSingle(), Epsilons[rng.Next(Epsilons.Length)],
            RandomData.Uniform(rng, CheckShapes.Count(shape), -2f, 3f),
            RandomData.Uniform(rng, c, -1.5f, 1.5f),
            RandomData.Uniform(rng, c),
            RandomData.Uniform(rng, c),
            RandomData.Uniform(rng, c, 0.2f, 2f));
    }

    public string Configuration => $"{CheckShapes.Format(Shape)} {(Training ? "training" : "eval")} momentum={Momentum:G3} eps={Epsilon:G3}";

    public Tensor Run(Tensor[] t) => Ops.BatchNorm2d(t[0], t[1], t[2], t[3], t[4], Training, Momentum, Epsilon);
}

/// <summary>Outputs y and, after the call, the running mean and variance (updated in training mode).</summary>
internal sealed class BatchNormForwardCheck : OpCheck
{
    public override string Op => "batch_norm2d";

    public override OpCase NewCase(Random rng)
    {
        var bn = BatchNormCase.Draw(rng, minCount: 2);
        int c = bn.Shape[1];
        return new(bn.Configuration, ctx =>
        {
            using var _ = Autograd.Tape.NoGrad();
            var t = new[]
            {
                ctx.Own(Tensor.FromArray(ctx.Device, bn.Shape, bn.X)),
                ctx.Own(Tensor.FromArray(ctx.Device, [c], bn.Weight)),
                ctx.Own(Tensor.FromArray(ctx.Device, [c], bn.Bias)),
                ctx.Own(Tensor.FromArray(ctx.Device, [c], bn.RunningMean)),
                ctx.Own(Tensor.FromArray(ctx.Device, [c], bn.RunningVar)),
            };
            using var y = bn.Run(t);
            return [y.ToArray(), t[3].ToArray(), t[4].ToArray()];
        });
    }
}

internal sealed class BatchNormBackwardCheck : OpCheck
{
    public override string Op => "batch_norm2d";

    public override string Pass => "backward";

    public override OpCase NewCase(Random rng)
    {
        // With few values per channel the training-mode input gradient is mostly cancellation (at 2 values it
        // vanishes as eps → 0), so a relative comparison needs a few more.
        var bn = BatchNormCase.Draw(rng, minCount: 4);
        int c = bn.Shape[1];
        // Any non-empty subset of x, weight, bias takes a gradient.
        int wanted = rng.Next(1, 8);
        bool xGrad = (wanted & 1) != 0, weightGrad = (wanted & 2) != 0, biasGrad = (wanted & 4) != 0;
        var g = RandomData.Uniform(rng, bn.X.Length);
        return new($"{bn.Configuration} grad x={xGrad} weight={weightGrad} bias={biasGrad}", ctx =>
            GradientCase.Run(ctx,
            [
                new(bn.Shape, bn.X, xGrad),
                new([c], bn.Weight, weightGrad),
                new([c], bn.Bias, biasGrad),
                new([c], bn.RunningMean, false),
                new([c], bn.RunningVar, false),
            ], bn.Run, g));
    }
}
