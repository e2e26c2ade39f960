namespace SuperRes.Tensors.Primitives;

/// <summary>
/// Sizes of one transposed convolution (PyTorch's ConvTranspose2d, dilation 1, groups 1):
/// x [N, Cin, H, W], weight [Cin, Cout, K, K], y [N, Cout, Ho, Wo], Ho = (H − 1)·Stride − 2·Padding + K + OutputPadding.
/// </summary>
public readonly record struct ConvTranspose2dGeometry(int N, int Cin, int H, int W, int Cout, int K, int Stride, int Padding, int OutputPadding) : IConvolutionShape
{
    public int Ho => (H - 1) * Stride - 2 * Padding + K + OutputPadding;

    public int Wo => (W - 1) * Stride - 2 * Padding + K + OutputPadding;

    public long InputLength => (long)N * Cin * H * W;

    public long WeightLength => (long)Cin * Cout * K * K;

    public long OutputLength => (long)N * Cout * Ho * Wo;

    public override string ToString() =>
        $"x {N}×{Cin}×{H}×{W}, weight {Cin}×{Cout}×{K}×{K}, stride {Stride}, padding {Padding}, output_padding {OutputPadding}";
}
