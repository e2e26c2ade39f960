namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The Cpu reference of the transposed convolution. It windows its output: output pixel
/// (iy·Stride − Padding + ky, ix·Stride − Padding + kx) receives x[iy, ix]·w[ky, kx]. The forward gathers those
/// taps per output pixel (<see cref="ConvTranspose2dGather"/>); both gradients read a patch matrix of gy (im2col).
/// </summary>
internal sealed class ConvTranspose2dCpu : ConvTranspose2d.IBackend
{
    // A gather, pixel by pixel (ConvTranspose2dGather): its bits do not depend on where a pixel falls in a tile.
    public void Forward(ConvTranspose2dGeometry g, DeviceBuffer x, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer y) =>
        ConvTranspose2dGather.Forward(g, Launch.Array(x), Launch.Array(weight), bias is null ? null : Launch.Array(bias), Launch.Array(y));

    public void InputGrad(ConvTranspose2dGeometry g, DeviceBuffer gy, DeviceBuffer weight, DeviceBuffer gx) =>
        new ConvBands(PatchesOf(g), g.N).Correlate(Launch.Array(gy), Launch.Array(weight), g.Cin, Launch.Array(gx), accumulate: false);

    public void WeightGrad(ConvTranspose2dGeometry g, DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gw)
    {
        var patches = PatchesOf(g);
        new ConvBands(patches, g.N).CorrelationGradient(Launch.Array(x), g.Cin, Launch.Array(gy), Launch.Span(gw, g.Cin * patches.Rows));
    }

    public void BiasGrad(ConvTranspose2dGeometry g, DeviceBuffer gy, DeviceBuffer gb) =>
        ConvBands.BiasGradient(Launch.Array(gy), g.N, g.Cout, g.Ho * g.Wo, Launch.Array(gb));

    private static Patches PatchesOf(ConvTranspose2dGeometry g) => new(g.Cout, g.Ho, g.Wo, g.H, g.W, g.K, g.Stride, g.Padding, Clamp: false);
}
