namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The sizes of one conv2d: input [N, Cin, H, W], weight [Cout, Cin, K, K] with K odd, "same" padding K/2,
/// stride 1 or 2. Output [N, Cout, OutH, OutW] with OutH = ⌊(H + 2·(K/2) − K) / stride⌋ + 1 (as PyTorch).
/// </summary>
public readonly record struct Conv2dShape(int N, int Cin, int H, int W, int Cout, int K, int Stride, PaddingMode Padding) : IConvolutionShape
{
    public int Pad => K / 2;

    public int OutH => (H + 2 * Pad - K) / Stride + 1;

    public int OutW => (W + 2 * Pad - K) / Stride + 1;

    public long InputLength => (long)N * Cin * H * W;

    public long OutputLength => (long)N * Cout * OutH * OutW;

    public long WeightLength => (long)Cout * Cin * K * K;

    public override string ToString() =>
        $"[{N}×{Cin}×{H}×{W}] * [{Cout}×{Cin}×{K}×{K}] stride {Stride} {Padding.ToString().ToLowerInvariant()}";
}
