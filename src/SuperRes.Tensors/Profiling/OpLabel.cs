using System.Globalization;

namespace SuperRes.Tensors.Profiling;

/// <summary>
/// Configuration strings for the profiler's op labels (<see cref="Runtime.Profiling.OpTimer"/>): short, and equal
/// for equal shapes so that launches of one layer add up into one row. Only built while a profiler listens.
/// </summary>
internal static class OpLabel
{
    /// <summary><c>3x3 64→64 128x128</c>, then <c>/2</c> for stride 2 and <c>n16</c> for a batch (sizes are the input's).</summary>
    public static string Conv(int k, int cin, int cout, int h, int w, int n, int stride = 1, string? extra = null) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{k}x{k} {cin}→{cout} {h}x{w}{(stride != 1 ? $" /{stride}" : "")}{(n != 1 ? $" n{n}" : "")}{(extra is null ? "" : " " + extra)}");

    /// <summary><c>n=1048576</c>: a flat op over that many elements.</summary>
    public static string Elements(long n) => string.Create(CultureInfo.InvariantCulture, $"n={n}");

    /// <summary><c>64 planes×16384</c>: a per-plane op.</summary>
    public static string Planes(long planes, long hw) => string.Create(CultureInfo.InvariantCulture, $"{planes} planes×{hw}");

    /// <summary><c>C=64 n×hw=16×2304</c>: a per-channel op over a batch.</summary>
    public static string Channels(int batch, int channels, int hw) =>
        string.Create(CultureInfo.InvariantCulture, $"C={channels} {batch}×{hw}");
}

/// <summary>Labels of the convolution shapes.</summary>
internal static class ConvLabels
{
    public static string Of(Primitives.Conv2dShape s) =>
        OpLabel.Conv(s.K, s.Cin, s.Cout, s.H, s.W, s.N, s.Stride, s.Padding == PaddingMode.Replicate ? "replicate" : null);

    /// <summary>The label of a fused conv2d: the layer's, then what its epilogue adds (e.g. <c>+relu+residual</c>).</summary>
    public static string Of(Primitives.Conv2dShape s, ConvFusion fusion)
    {
        string tag = (fusion.Activation == ConvActivation.None ? "" : "+" + fusion.Activation.ToString().ToLowerInvariant())
            + (fusion.Residual is null ? "" : "+residual") + (fusion.PixelShuffle == 1 ? "" : $"+shuffle{fusion.PixelShuffle}");
        return tag.Length == 0 ? Of(s) : $"{Of(s)} {tag}";
    }

    /// <summary>Times a fused conv2d forward as one op (the direct convolution's FLOPs and its inputs and output).</summary>
    public static OpTimer.Scope StartFused(Primitives.Conv2dShape s, ConvFusion fusion) =>
        OpTimer.Start((s, fusion), static p => new OpCost("conv2d_forward", Of(p.s, p.fusion), 2.0 * p.s.OutputLength * p.s.Cin * p.s.K * p.s.K,
            OpCost.F32(p.s.InputLength + p.s.WeightLength + p.s.Cout + p.s.OutputLength)));

    public static string Of(Primitives.ConvTranspose2dGeometry g) =>
        OpLabel.Conv(g.K, g.Cin, g.Cout, g.H, g.W, g.N, 1, g.Stride != 1 ? $"up{g.Stride}" : null);
}
