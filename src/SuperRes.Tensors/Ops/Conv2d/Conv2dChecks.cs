using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Checks;

/// <summary>A random conv2d configuration: every kernel size the models use, both strides and padding modes, bias or not.</summary>
internal sealed record Conv2dCase(int[] Input, int[] Weight, int Stride, PaddingMode Padding, bool Bias) : IConvolutionCase<Conv2dCase>
{
    private static readonly int[] KernelSizes = [1, 3, 5, 9];

    public static Conv2dCase Draw(Random rng)
    {
        int k = KernelSizes[rng.Next(KernelSizes.Length)];
        bool large = k == 9; // 81 taps per pixel: smaller images keep the Cpu reference quick
        int cout = rng.Next(4) == 0 ? 1 : rng.Next(1, 20);
        int[] input;
        switch (rng.Next(5))
        {
            case 0: // several work-group tiles (32×16 outputs) across and down
                input = [1, rng.Next(1, 6), rng.Next(17, large ? 25 : 41), rng.Next(33, large ? 49 : 81)];
                break;
            case 1: // the channel counts of real layers: several channel blocks and staged chunks
                input = [rng.Next(1, 3), rng.Next(2) == 0 ? 56 : 64, rng.Next(1, large ? 7 : 10), rng.Next(1, large ? 7 : 10)];
                cout = rng.Next(2) == 0 ? 56 : 64;
                break;
            default:
                input = CheckShapes.Nchw(rng, maxSide: large ? 16 : 23);
                break;
        }
        return new Conv2dCase(input, [cout, input[1], k, k], rng.Next(1, 3),
            rng.Next(2) == 0 ? PaddingMode.Zeros : PaddingMode.Replicate, rng.Next(3) != 0);
    }

    public long OutputLength => CheckShapes.Count([Input[0], Weight[0], (Input[2] - 1) / Stride + 1, (Input[3] - 1) / Stride + 1]);

    public Tensor Apply(Tensor[] t) => Ops.Conv2d(t[0], t[1], Bias ? t[2] : null, Stride, Padding);

    public IReadOnlyList<GradientCase.Input> Inputs(Random rng)
    {
        GradientCase.Input[] tensors =
        [
            new(Input, RandomData.Uniform(rng, CheckShapes.Count(Input))),
            new(Weight, RandomData.Uniform(rng, CheckShapes.Count(Weight))),
            new([Weight[0]], RandomData.Uniform(rng, Weight[0])),
        ];
        return Bias ? tensors : tensors[..2];
    }

    public override string ToString() =>
        $"x {CheckShapes.Format(Input)} w {CheckShapes.Format(Weight)} stride {Stride} {Padding.ToString().ToLowerInvariant()}{(Bias ? " bias" : "")}";
}

internal sealed class Conv2dForwardCheck() : ConvolutionCheck<Conv2dCase>("conv2d", backward: false);

internal sealed class Conv2dBackwardCheck() : ConvolutionCheck<Conv2dCase>("conv2d", backward: true);
