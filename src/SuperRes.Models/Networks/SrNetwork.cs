using System.Globalization;
using SuperRes.Models.Modules;
using SuperRes.Tensors;

namespace SuperRes.Models.Networks;

/// <summary>
/// A super-resolution network: input N×C×h×w LR, output N×C×(s·h)×(s·w) (a network that
/// <see cref="NetworkCapabilities.NeedsPreUpsampledInput"/>, like SRCNN, takes the input already upscaled by
/// bicubic and keeps its size). What it serves and how it may be run is in <see cref="Capabilities"/> and
/// <see cref="ReceptiveRadius"/>; the upscaler, the trainer and the CLI read those, never the concrete type.
/// </summary>
public abstract class SrNetwork(Device device, string architecture, int scale, ModelOptions options) : Module(device)
{
    /// <summary>Registry name, e.g. <c>edsr-baseline</c>.</summary>
    public string Architecture { get; } = architecture;

    /// <summary>The upscaling factor the next forward produces (a multi-scale network can switch: <see cref="SelectScale"/>).</summary>
    public int Scale { get; private set; } = scale;

    public ModelOptions Options { get; } = options;

    /// <summary>Colour convention, scales served, multi-scale, exact tiling, pre-upsampled input.</summary>
    public abstract NetworkCapabilities Capabilities { get; }

    public ColorConvention Colors => Capabilities.Colors;

    /// <summary>True when the network expects its input already resized to the output size (SRCNN).</summary>
    public bool NeedsPreUpsampledInput => Capabilities.NeedsPreUpsampledInput;

    /// <summary>
    /// LR pixels on each side that influence one output pixel through its convolutions: when
    /// <see cref="NetworkCapabilities.TilesExactly"/>, a tile with at least this much context gives the untiled
    /// result up to rounding (<see cref="ExactTileContext"/> gives its bits). It depends on the configuration (blocks), so it is the network's, not the registry entry's.
    /// </summary>
    public abstract int ReceptiveRadius { get; }

    /// <summary>
    /// LR pixels of context on each side that give a tile the untiled output bit for bit: the
    /// <see cref="ReceptiveRadius"/>, or, when a layer rounds each output by its place in a grid (Winograd, on every
    /// backend: <see cref="ConvolutionTiling"/>), the wider <see cref="ConvolutionTiling.ContextRadius"/>.
    /// </summary>
    public int ExactTileContext =>
        Modules().OfType<Conv2d>().Any(c => ConvolutionTiling.RoundsByTile(c.InChannels, c.KernelSize, c.Stride))
            ? ConvolutionTiling.ContextRadius(ReceptiveRadius)
            : ReceptiveRadius;

    /// <summary>Picks the scale the next forward produces; only a multi-scale network serves more than the one it was built for.</summary>
    public void SelectScale(int scale)
    {
        if (scale == Scale)
            return;
        if (!Capabilities.IsMultiScale)
            throw new SuperResException($"{Architecture} was built for x{Scale} and serves no other scale (x{scale} asked)");
        if (!Capabilities.Scales.Contains(scale))
            throw new SuperResException($"{Architecture} supports scales {string.Join(", ", Capabilities.Scales)}, not {scale}");
        Scale = scale;
    }

    /// <summary>Metadata that identifies the network in a safetensors file.</summary>
    public IReadOnlyDictionary<string, string> Metadata()
    {
        var meta = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["architecture"] = Architecture,
            ["scale"] = Scale.ToString(CultureInfo.InvariantCulture),
            ["colors"] = Colors.ToString(),
        };
        foreach (var (k, v) in Options.Values)
            meta["config." + k] = v;
        return meta;
    }
}
