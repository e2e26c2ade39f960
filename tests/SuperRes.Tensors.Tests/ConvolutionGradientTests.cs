using SuperRes.Tensors.Primitives;
using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Tests;

/// <summary>The Cpu gradients of conv2d and conv_transpose2d against central differences of their float64 definitions.</summary>
public sealed class ConvolutionGradientTests
{
    [Theory]
    [InlineData(new[] { 2, 2, 5, 6 }, 3, 3, 1, false, true)]
    [InlineData(new[] { 2, 2, 5, 6 }, 3, 3, 1, true, true)]
    [InlineData(new[] { 1, 3, 7, 6 }, 2, 3, 2, false, false)]
    [InlineData(new[] { 1, 3, 7, 6 }, 2, 3, 2, true, true)]
    [InlineData(new[] { 2, 2, 4, 3 }, 2, 5, 1, true, false)]  // 5×5 window wider than the image: corners clamp twice over
    [InlineData(new[] { 1, 2, 6, 5 }, 3, 5, 2, true, true)]
    [InlineData(new[] { 1, 2, 6, 5 }, 3, 5, 2, false, true)]
    [InlineData(new[] { 1, 1, 1, 4 }, 2, 3, 2, true, true)]   // one-row image: every row read clamps onto it
    [InlineData(new[] { 1, 3, 4, 5 }, 2, 1, 2, true, true)]
    [InlineData(new[] { 1, 1, 5, 4 }, 1, 9, 1, true, false)]
    [InlineData(new[] { 1, 1, 5, 4 }, 2, 9, 2, false, true)]
    public void Conv2dCpuGradientsMatchFloat64FiniteDifferences(int[] xShape, int cout, int k, int stride, bool replicate, bool bias)
    {
        var padding = replicate ? PaddingMode.Replicate : PaddingMode.Zeros;
        var s = new Conv2dShape(xShape[0], xShape[1], xShape[2], xShape[3], cout, k, stride, padding);
        Verify(new Random(k * 100 + stride * 10 + (replicate ? 1 : 0)), s, xShape, [cout, s.Cin, k, k], bias, s.OutH * s.OutW,
            ConvolutionDefinitions.Taps(s), t => Ops.Conv2d(t[0], t[1], bias ? t[2] : null, stride, padding));
    }

    [Theory]
    [InlineData(new[] { 1, 2, 3, 3 }, 1, 9, 3, 4, 2, true)] // FSRCNN ×3
    [InlineData(new[] { 2, 3, 3, 2 }, 2, 4, 2, 1, 1, true)]
    [InlineData(new[] { 1, 2, 4, 3 }, 3, 3, 1, 2, 0, false)]
    [InlineData(new[] { 2, 2, 2, 3 }, 2, 2, 3, 0, 2, true)] // K < stride: some outputs are bias only
    [InlineData(new[] { 2, 1, 2, 3 }, 2, 5, 4, 3, 3, false)]
    public void ConvTranspose2dCpuGradientsMatchFloat64FiniteDifferences(int[] xShape, int cout, int k, int stride, int padding, int outputPadding, bool bias)
    {
        var g = new ConvTranspose2dGeometry(xShape[0], xShape[1], xShape[2], xShape[3], cout, k, stride, padding, outputPadding);
        Verify(new Random(k * 100 + stride * 10 + padding), g, xShape, [g.Cin, cout, k, k], bias, g.Ho * g.Wo,
            ConvolutionDefinitions.Taps(g), t => Ops.ConvTranspose2d(t[0], t[1], bias ? t[2] : null, stride, padding, outputPadding));
    }

    private static void Verify<TShape>(Random rng, TShape s, int[] xShape, int[] weightShape, bool bias, int plane,
        IEnumerable<(int X, int W, int Y)> taps, Func<Tensor[], Tensor> forward) where TShape : IConvolutionShape
    {
        var inputs = new List<GradientCase.Input>
        {
            new(xShape, RandomData.Uniform(rng, s.InputLength)),
            new(weightShape, RandomData.Uniform(rng, s.WeightLength)),
        };
        if (bias)
            inputs.Add(new([s.Cout], RandomData.Uniform(rng, s.Cout)));
        var upstream = RandomData.Uniform(rng, s.OutputLength);
        var tapList = taps.ToArray(); // the finite differences run the definition twice per input value
        Float64GradCheck.Verify(inputs,
            v => ConvolutionDefinitions.Forward(tapList, upstream.Length, s.Cout, plane, v[0], v[1], bias ? v[2] : null),
            forward, upstream);
    }
}
