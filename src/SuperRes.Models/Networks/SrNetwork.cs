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

/// <summary>Configuration overrides of a network (blocks, features, groups, res_scale, …) as name=value strings.</summary>
public sealed class ModelOptions
{
    private readonly SortedDictionary<string, string> _values = new(StringComparer.Ordinal);

    public static ModelOptions Empty => new();

    public IReadOnlyDictionary<string, string> Values => _values;

    /// <summary>Parses <c>blocks=2,features=8</c>.</summary>
    public static ModelOptions Parse(string? text)
    {
        var options = new ModelOptions();
        if (string.IsNullOrWhiteSpace(text))
            return options;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0)
                throw new SuperResException($"model option '{part}' is not of the form name=value");
            options._values[part[..eq].Trim()] = part[(eq + 1)..].Trim();
        }
        return options;
    }

    public ModelOptions With(string name, object value)
    {
        var copy = new ModelOptions();
        foreach (var (k, v) in _values)
            copy._values[k] = v;
        copy._values[name] = Convert.ToString(value, CultureInfo.InvariantCulture)!;
        return copy;
    }

    public int Int(string name, int fallback) =>
        _values.TryGetValue(name, out var v)
            ? int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i) && i > 0 ? i
              : throw new SuperResException($"model option {name}={v} is not a positive integer")
            : fallback;

    public float Float(string name, float fallback) =>
        _values.TryGetValue(name, out var v)
            ? float.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out float f) ? f
              : throw new SuperResException($"model option {name}={v} is not a number")
            : fallback;

    public string String(string name, string fallback) => _values.GetValueOrDefault(name, fallback);

    /// <summary>Fails on options the network does not know, so a typo is not silently ignored.</summary>
    public void RequireOnly(string architecture, params string[] known)
    {
        var unknown = _values.Keys.Where(k => !known.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new SuperResException($"{architecture} has no option {string.Join(", ", unknown)} (it takes: {string.Join(", ", known)})");
    }

    public override string ToString() => string.Join(",", _values.Select(kv => $"{kv.Key}={kv.Value}"));
}
