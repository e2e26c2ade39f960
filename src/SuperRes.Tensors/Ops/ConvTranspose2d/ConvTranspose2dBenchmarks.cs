using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Primitives;

/// <summary>FSRCNN's last layer: the 9×9 transposed convolution 56→1, stride 3 (x3), on 16×32×32 patches; forward and its three gradients.</summary>
internal sealed class ConvTranspose2dBenchmarks : OpBenchmarkSet
{
    public override IEnumerable<OpBenchmark> Cases =>
        ConvolutionBenchmark<ConvTranspose2dGeometry>.AllPasses("conv_transpose2d", ConvTranspose2d.EntryPoints, ConvLabels.Of,
            new ConvTranspose2dGeometry(N: 16, Cin: 56, H: 32, W: 32, Cout: 1, K: 9, Stride: 3, Padding: 4, OutputPadding: 2));
}
