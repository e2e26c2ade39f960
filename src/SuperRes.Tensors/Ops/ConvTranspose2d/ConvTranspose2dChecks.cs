using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Checks;

/// <summary>
/// A random transposed convolution: odd and even K (9 for FSRCNN's upsampler), stride 1–4, padding, output_padding
/// below the stride, with or without bias, batch &gt; 1, small odd images and channel counts.
/// </summary>
internal sealed record ConvTranspose2dConfig(int[] X, int[] Weight, bool Bias, int Stride, int Padding, int OutputPadding) : IConvolutionCase<ConvTranspose2dConfig>
{
    // Each (K, stride) is its own kernel build (over a second on PoCL), so they come from a menu that covers
    // every stride, odd and even K, K a multiple of the stride and not, and K below the stride (outputs no tap reaches).
    private static readonly (int K, int Stride)[] Kernels = [(9, 2), (9, 3), (9, 4), (4, 2), (3, 1), (2, 3)];

    public static ConvTranspose2dConfig Draw(Random rng)
    {
        var (k, stride) = Kernels[rng.Next(Kernels.Length)];
        int outputPadding = rng.Next(stride);
        int n = rng.Next(1, 4), cin = rng.Next(1, 7), cout = rng.Next(1, 7);
        int h = rng.Next(1, 11), w = rng.Next(1, 11);
        // Padding may reach past the kernel, as long as the output keeps at least one pixel.
        int maxPadding = ((Math.Min(h, w) - 1) * stride + k + outputPadding - 1) / 2;
        int padding = rng.Next(Math.Min(maxPadding, k) + 1);
        return new([n, cin, h, w], [cin, cout, k, k], rng.Next(2) == 0, stride, padding, outputPadding);
    }

    public IReadOnlyList<GradientCase.Input> Inputs(Random rng)
    {
        var inputs = new List<GradientCase.Input>
        {
            new(X, RandomData.Uniform(rng, CheckShapes.Count(X))),
            new(Weight, RandomData.Uniform(rng, CheckShapes.Count(Weight))),
        };
        if (Bias)
            inputs.Add(new([Weight[1]], RandomData.Uniform(rng, Weight[1])));
        return inputs;
    }

    public Tensor Apply(Tensor[] t) => Ops.ConvTranspose2d(t[0], t[1], Bias ? t[2] : null, Stride, Padding, OutputPadding);

    public long OutputLength => (long)X[0] * Weight[1] * Side(X[2]) * Side(X[3]);

    private int Side(int input) => (input - 1) * Stride - 2 * Padding + Weight[2] + OutputPadding;

    public override string ToString() =>
        $"x {CheckShapes.Format(X)} weight {CheckShapes.Format(Weight)} stride {Stride} padding {Padding} output_padding {OutputPadding}{(Bias ? " bias" : "")}";
}

internal sealed class ConvTranspose2dForwardCheck() : ConvolutionCheck<ConvTranspose2dConfig>("conv_transpose2d", backward: false);

internal sealed class ConvTranspose2dBackwardCheck() : ConvolutionCheck<ConvTranspose2dConfig>("conv_transpose2d", backward: true);
