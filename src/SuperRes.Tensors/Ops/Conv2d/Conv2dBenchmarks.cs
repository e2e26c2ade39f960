using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// conv2d forward and its three gradients at the zoo's shapes: EDSR-baseline's body (64→64 3×3) at inference
/// (1×128×128) and training (16×48×48) sizes, EDSR's 256→256, MDSR's 5×5 pre-processing, FSRCNN's 5×5 first layer
/// and its 1×1 shrink/expand, RCAN's channel-attention 1×1 (64→4 on 1×1 planes).
/// </summary>
internal sealed class Conv2dBenchmarks : OpBenchmarkSet
{
    public override IEnumerable<OpBenchmark> Cases =>
        ConvolutionBenchmark<Conv2dShape>.AllPasses("conv2d", Conv2d.EntryPoints, ConvLabels.Of,
            Same(1, 64, 128, 64, 3),
            Same(16, 64, 48, 64, 3),
            Same(1, 256, 48, 256, 3),
            Same(1, 64, 64, 64, 5),
            Same(16, 1, 32, 56, 5),
            Same(16, 56, 32, 12, 1),
            Same(16, 12, 32, 56, 1),
            Same(1, 64, 1, 4, 1));

    /// <summary>A square stride-1 zero-padded layer.</summary>
    private static Conv2dShape Same(int n, int cin, int side, int cout, int k) => new(n, cin, side, side, cout, k, 1, PaddingMode.Zeros);
}
