namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The Cpu reference of conv2d, also the inference fallback: the weights times a patch matrix of the input (im2col,
/// <see cref="Patches"/>), band by band (<see cref="ConvBands"/>), or for 3×3 stride-1 layers with enough channels by
/// Winograd (<see cref="Conv2dWinograd"/>); deterministic whatever the thread count.
/// </summary>
internal sealed class Conv2dCpu : Conv2d.IBackend
{
    public void Forward(Conv2dShape s, DeviceBuffer x, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer y) =>
        Forward(s, Launch.Array(x), Launch.Array(weight), bias is null ? null : Launch.Array(bias), Launch.Array(y), cacheWeights: true);

    // The adjoint of the forward: the weightsᵀ times gy gives a patch matrix of input gradients, which spreads
    // back onto the input (clamped reads of replicate padding pile their gradient onto the border pixels).
    public void InputGrad(Conv2dShape s, DeviceBuffer gy, DeviceBuffer weight, DeviceBuffer gx)
    {
        var (gys, weights, gxs) = (Launch.Array(gy), Launch.Array(weight), Launch.Array(gx));
        if (s.Stride == 1 && (s.Padding == PaddingMode.Zeros || s.Pad == 0))
        {
            // Stride 1 with zero padding: the adjoint is itself a "same" convolution, of gy with the weights flipped
            // and transposed, which gathers instead of scattering. Its Winograd weights are cached beside the forward's
            // until the optimizer changes the weights.
            var adjoint = s with { Cin = s.Cout, Cout = s.Cin, Padding = PaddingMode.Zeros };
            if (UsesWinograd(adjoint))
            {
                var u = PackedWeights.Get(weights, (int)s.WeightLength, "winograd-f4x4-adjoint",
                    raw => WinogradTransforms.Weights(FlippedTranspose(s, raw.Span), adjoint.Cout, adjoint.Cin));
                Conv2dWinograd.ForwardTransformed(adjoint, gys, u, new ConvEpilogue(null), gxs);
            }
            else
                Forward(adjoint, gys, FlippedTranspose(s, weights), null, gxs, cacheWeights: false);
            return;
        }
        var patches = PatchesOf(s);
        gxs.AsSpan(0, s.N * s.Cin * s.H * s.W).Clear();
        new ConvBands(patches, s.N).Spread(gys, ConvBands.Transpose(weights, s.Cout, patches.Rows), s.Cout, gxs);
    }

    public void WeightGrad(Conv2dShape s, DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gw)
    {
        if (Conv2dWinogradWeightGrad.IsFaster(s))
        {
            Conv2dWinogradWeightGrad.WeightGrad(s, Launch.Array(x), Launch.Array(gy), Launch.Span(gw, s.WeightLength));
            return;
        }
        var patches = PatchesOf(s);
        new ConvBands(patches, s.N).CorrelationGradient(Launch.Array(gy), s.Cout, Launch.Array(x), Launch.Span(gw, s.Cout * patches.Rows));
    }

    public void BiasGrad(Conv2dShape s, DeviceBuffer gy, DeviceBuffer gb) =>
        ConvBands.BiasGradient(Launch.Array(gy), s.N, s.Cout, s.OutH * s.OutW, Launch.Array(gb));

    private static Patches PatchesOf(Conv2dShape s) =>
        new(s.Cin, s.H, s.W, s.OutH, s.OutW, s.K, s.Stride, s.Pad, s.Padding == PaddingMode.Replicate);

    /// <summary>
    /// y = fusion(conv2d(x, weight) + bias) (inference, no tape): the activation and residual add run in Winograd's
    /// output loop, or in one pass over each output plane after the banded GEMM.
    /// </summary>
    public static void ForwardFused(Conv2dShape s, DeviceBuffer x, DeviceBuffer weight, DeviceBuffer? bias, ConvFusion fusion, DeviceBuffer y)
    {
        using var op = ConvLabels.StartFused(s, fusion);
        var epilogue = new ConvEpilogue(bias is null ? null : Launch.Array(bias), fusion.Activation, fusion.Slope,
            fusion.Slopes is null ? null : Launch.Array(fusion.Slopes.Buffer), fusion.Slopes is null ? 0 : (int)fusion.Slopes.Length,
            fusion.Residual is null ? null : Launch.Array(fusion.Residual.Buffer), fusion.ResidualScale, fusion.PixelShuffle);
        Forward(s, Launch.Array(x), Launch.Array(weight), epilogue, Launch.Array(y), cacheWeights: true);
    }

    /// <summary>Whether <see cref="ForwardFused"/> can store this layer's outputs pixel-shuffled: on the Winograd path.</summary>
    public static bool FusesPixelShuffle(Conv2dShape s) => UsesWinograd(s);

    private static bool UsesWinograd(Conv2dShape s) => Conv2dWinograd.IsFaster(s);

    private static void Forward(Conv2dShape s, float[] x, float[] weight, float[]? bias, float[] y, bool cacheWeights) =>
        Forward(s, x, weight, new ConvEpilogue(bias), y, cacheWeights);

    // 3×3 stride-1 layers with enough channels go by Winograd (Conv2dWinograd), the rest by the banded GEMM.
    private static void Forward(Conv2dShape s, float[] x, float[] weight, in ConvEpilogue epilogue, float[] y, bool cacheWeights)
    {
        if (UsesWinograd(s))
        {
            Conv2dWinograd.Forward(s, x, weight, epilogue, y, cacheWeights);
            return;
        }
        if (epilogue.Shuffle != 1)
            throw new ArgumentException($"conv2d {s}: the banded GEMM does not store pixel-shuffled outputs");
        new ConvBands(PatchesOf(s), s.N).CorrelateFused(x, weight, s.Cout, y, epilogue);
    }

    /// <summary>w'[ci, co, ky, kx] = w[co, ci, K−1−ky, K−1−kx]: the weights of the adjoint convolution.</summary>
    private static float[] FlippedTranspose(Conv2dShape s, ReadOnlySpan<float> weight)
    {
        int taps = s.K * s.K;
        var result = new float[s.Cin * s.Cout * taps];
        for (int co = 0; co < s.Cout; co++)
            for (int ci = 0; ci < s.Cin; ci++)
                for (int t = 0; t < taps; t++)
                    result[(ci * s.Cout + co) * taps + taps - 1 - t] = weight[(co * s.Cin + ci) * taps + t];
        return result;
    }
}
