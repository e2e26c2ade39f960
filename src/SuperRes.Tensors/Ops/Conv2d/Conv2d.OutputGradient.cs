namespace SuperRes.Tensors.Primitives;

/// <summary>
/// On the Cpu, the gradient gz of a fused conv2d's linear output z = conv + bias from the gradient gy of what it
/// stored: gy where the activated output y is positive, else 0 (ReLU) or slope·gy (LeakyReLU with slope ≥ 0, whose
/// output has its input's sign), or res_scale·gy under a residual add. The bias gradient Σ gz per channel is summed
/// from each plane just written, while it is still in cache, instead of in a pass of its own. Every value rounds as
/// the separate ops' backward passes round it (ReluBackward, LeakyReluBackward, Scale, then
/// <see cref="ConvBands.BiasGradient"/>): one task per plane, sums in a fixed order, so the bits never depend on the
/// thread count.
/// </summary>
internal static class Conv2dOutputGradient
{
    /// <summary>gz from gy (and y, when <paramref name="fusion"/> has an activation), and gb = Σ gz per channel when gb is given; gz may be gy.</summary>
    public static void Compute(Conv2dShape s, ConvFusion fusion, DeviceBuffer? y, DeviceBuffer gy, DeviceBuffer gz, DeviceBuffer? gb)
    {
        using var op = OpTimer.Start((s, fusion), static p => new OpCost("conv2d_output_grad", ConvLabels.Of(p.s, p.fusion), p.s.OutputLength,
            OpCost.F32((p.fusion.Activation == ConvActivation.None ? 2 : 3) * p.s.OutputLength)));
        if (fusion.PixelShuffle != 1 || (fusion.Activation != ConvActivation.None) == (y is null)
            || fusion.Activation is not (ConvActivation.None or ConvActivation.Relu or ConvActivation.LeakyRelu))
            throw new ArgumentException($"conv2d output gradient {s}: {fusion.Activation} with {(y is null ? "no" : "the")} saved output and a pixel shuffle of {fusion.PixelShuffle} has no fused gradient");
        Launch.SameDevice("conv2d output gradient", s.OutputLength, y is null ? [gy, gz] : [gy, gz, y]);
        if (gb is not null)
            Launch.SameDevice("conv2d bias gradient", s.Cout, gb, gy);
        var (gys, gzs) = (Launch.Array(gy), Launch.Array(gz));
        var ys = y is null ? null : Launch.Array(y);
        var gbs = gb is null ? null : Launch.Array(gb);
        int plane = s.OutH * s.OutW;
        // Planes in memory order (one task each), their sums kept per plane and added per channel in image order
        // afterwards: the bits of BiasGradient's per-channel loop, with gy streamed front to back.
        var planeSums = gbs is null ? null : new float[s.N * s.Cout];
        CpuChunks.ForEachTask(s.N * s.Cout, p =>
        {
            int start = p * plane;
            var from = gys.AsSpan(start, plane);
            var to = gzs.AsSpan(start, plane);
            switch (fusion.Activation)
            {
                case ConvActivation.Relu:
                    ElementwiseCpu.ZipRange(ys.AsSpan(start, plane), from, to, new ElementwiseCpu.WherePositive());
                    break;
                case ConvActivation.LeakyRelu:
                    ElementwiseCpu.ZipRange(ys.AsSpan(start, plane), from, to, new ActivationsCpu.Leaky(fusion.Slope));
                    break;
                default:
                    ElementwiseCpu.MapRange(from, to, new ElementwiseCpu.Scaled(fusion.ResidualScale));
                    break;
            }
            if (planeSums is not null)
                planeSums[p] = ConvBands.Sum(to);
        });
        if (gbs is null)
            return;
        for (int c = 0; c < s.Cout; c++)
        {
            double sum = 0;
            for (int n = 0; n < s.N; n++)
                sum += planeSums![n * s.Cout + c];
            gbs[c] = (float)sum;
        }
    }
}
