using SuperRes.Runtime.Tuning;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// <see cref="ConvEpilogue"/> on a kernel device: what kernels/conv2d_winograd_output.cl applies to each output
/// (v + bias[co], the activation, then residual[i] + residualScale · v) and where it stores it (pixel-shuffled by
/// <see cref="Shuffle"/>), with the activation, the residual's presence and the shuffle as compile-time defines.
/// </summary>
internal readonly record struct DeviceConvEpilogue(DeviceBuffer? Bias, ConvActivation Activation = ConvActivation.None, float Slope = 0f,
    DeviceBuffer? Slopes = null, int SlopeCount = 0, DeviceBuffer? Residual = null, float ResidualScale = 1f, int Shuffle = 1)
{
    /// <summary>The epilogue of <paramref name="fusion"/> with <paramref name="bias"/>.</summary>
    public static DeviceConvEpilogue Of(DeviceBuffer? bias, ConvFusion fusion) =>
        new(bias, fusion.Activation, fusion.Slope, fusion.Slopes?.Buffer, fusion.Slopes is null ? 0 : (int)fusion.Slopes.Length,
            fusion.Residual?.Buffer, fusion.ResidualScale, fusion.PixelShuffle);

    /// <summary>ACTIVATION (0 none, 1 ReLU, 2 LeakyReLU, 3 PReLU), RESIDUAL (0 or 1) and SHUFFLE (the factor, 1 for none).</summary>
    public KernelDefines Defines => new KernelDefines()
        .With("ACTIVATION", Activation switch
        {
            ConvActivation.None => 0,
            ConvActivation.Relu => 1,
            ConvActivation.LeakyRelu => 2,
            _ => 3,
        })
        .With("RESIDUAL", Residual is null ? 0 : 1)
        .With("SHUFFLE", Shuffle);
}
