namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The Cpu reference of the transposed convolution. It windows its output: output pixel
/// (iy·Stride − Padding + ky, ix·Stride − Padding + kx) receives x[iy, ix]·w[ky, kx], so per band of input rows the
/// forward is weightsᵀ · x scattered onto the output (col2im), and both gradients read a patch matrix of gy (im2col).
/// </summary>
public static partial class ConvTranspose2d
{
    private static Patches PatchesOf(ConvTranspose2dGeometry g) => new(g.Cout, g.Ho, g.Wo, g.H, g.W, g.K, g.Stride, g.Padding, Clamp: false);

    private static void ForwardCpu(ConvTranspose2dGeometry g, float[] x, float[] weight, float[]? bias, float[] y)
    {
        var patches = PatchesOf(g);
        ConvBands.FillBias(y, g.N, g.Cout, patches.PlaneLength, bias);
        new ConvBands(patches, g.N).Spread(x, Conv2d.Transpose(weight, g.Cin, patches.Rows), g.Cin, y);
    }

    private static void BackwardInputCpu(ConvTranspose2dGeometry g, float[] gy, float[] weight, float[] gx) =>
        new ConvBands(PatchesOf(g), g.N).Correlate(gy, weight, g.Cin, gx, accumulate: false);

    private static void BackwardWeightCpu(ConvTranspose2dGeometry g, float[] x, float[] gy, float[] gw)
    {
        var patches = PatchesOf(g);
        new ConvBands(patches, g.N).CorrelationGradient(x, g.Cin, gy, gw.AsSpan(0, g.Cin * patches.Rows));
    }
}
