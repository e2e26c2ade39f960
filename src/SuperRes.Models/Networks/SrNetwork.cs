using System.Globalization;
using SuperRes.Models.Modules;

namespace SuperRes.Models.Networks;

/// <summary>What a network's input and output tensors hold.</summary>
public enum ColorConvention
{
    /// <summary>RGB in [0, 255]; the network subtracts and re-adds the DIV2K mean itself (EDSR family, MSRN, RCAN).</summary>
    Rgb255,

    /// <summary>RGB in [0, 1] (SRResNet).</summary>
    Rgb01,

    /// <summary>The Y channel of YCbCr (BT.601 studio range) scaled to [0, 1]; Cb and Cr are upscaled by bicubic (SRCNN, FSRCNN).</summary>
    Y01,
}

/// <summary>
/// A super-resolution network of the zoo: input N×C×h×w LR, output N×C×(s·h)×(s·w) (SRCNN takes the input
/// already upscaled by bicubic and keeps its size).
/// </summary>
public abstract class SrNetwork(Device device, string architecture, int scale, ModelOptions options) : Module(device)
{
    /// <summary>Zoo name, e.g. <c>edsr-baseline</c>.</summary>
    public string Architecture { get; } = architecture;

    /// <summary>The upscaling factor the next forward produces (MDSR can switch).</summary>
    public int Scale { get; protected set; } = scale;

    public ModelOptions Options { get; } = options;

    public abstract ColorConvention Colors { get; }

    /// <summary>True when the network expects its input already resized to the output size (SRCNN).</summary>
    public virtual bool NeedsPreUpsampledInput => false;

    /// <summary>
    /// LR pixels on each side that influence one output pixel: a tile with at least this much context gives
    /// exactly the untiled result.
    /// </summary>
    public abstract int ReceptiveRadius { get; }

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
