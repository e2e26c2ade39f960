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
        var bands = new ConvBands(patches, g.N);
        int inPlane = g.H * g.W, outImage = g.Cout * g.Ho * g.Wo;
        var weightT = Conv2d.Transpose(weight, g.Cin, patches.Rows);
        for (int n = 0; n < g.N; n++)
            for (int co = 0; co < g.Cout; co++)
                y.AsSpan(n * outImage + co * patches.PlaneLength, patches.PlaneLength).Fill(bias?[co] ?? 0f);
        bands.ForEachScatter((n, firstRow, rows) =>
        {
            int col = firstRow * g.W, width = rows * g.W;
            var cols = bands.RentPatch();
            CpuGemm.Multiply(patches.Rows, width, g.Cin, weightT, g.Cin, x.AsSpan(n * g.Cin * inPlane + col), inPlane, cols, width, accumulate: false);
            patches.ScatterAdd(cols, firstRow, rows, y.AsSpan(n * outImage, outImage));
            ConvBands.Return(cols);
        });
    }

    private static void BackwardInputCpu(ConvTranspose2dGeometry g, float[] gy, float[] weight, float[] gx)
    {
        var patches = PatchesOf(g);
        var bands = new ConvBands(patches, g.N);
        int inPlane = g.H * g.W, outImage = g.Cout * g.Ho * g.Wo;
        bands.ForEach((n, firstRow, rows) =>
        {
            int col = firstRow * g.W, width = rows * g.W;
            var cols = bands.RentPatch();
            patches.Gather(gy.AsSpan(n * outImage, outImage), firstRow, rows, cols);
            CpuGemm.Multiply(g.Cin, width, patches.Rows, weight, patches.Rows, cols, width, gx.AsSpan(n * g.Cin * inPlane + col), inPlane, accumulate: false);
            ConvBands.Return(cols);
        });
    }

    private static void BackwardWeightCpu(ConvTranspose2dGeometry g, float[] x, float[] gy, float[] gw)
    {
        var patches = PatchesOf(g);
        var bands = new ConvBands(patches, g.N);
        int inPlane = g.H * g.W, outImage = g.Cout * g.Ho * g.Wo;
        bands.Reduce(gw.AsSpan(0, g.Cin * patches.Rows), (n, firstRow, rows, partial) =>
        {
            int col = firstRow * g.W, width = rows * g.W;
            var cols = bands.RentPatch();
            patches.Gather(gy.AsSpan(n * outImage, outImage), firstRow, rows, cols);
            CpuGemm.MultiplyTransposed(g.Cin, patches.Rows, width, x.AsSpan(n * g.Cin * inPlane + col), inPlane, cols, width, partial, patches.Rows, accumulate: true);
            ConvBands.Return(cols);
        });
    }
}
