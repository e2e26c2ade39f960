using System.Globalization;

namespace SuperRes.Models.Networks;

/// <summary>Configuration overrides of a network (blocks, features, groups, res_scale, …) as name=value strings.</summary>
/// <remarks>
/// Options come from the command line and from weight-file metadata, so they are untrusted: integers must lie
/// in 1..<see cref="MaxInt"/>, numbers must be finite, and <see cref="ModelZoo.Create"/> refuses a network of
/// more than <see cref="MaxParameters"/> parameters as it allocates them, before the memory is taken.
/// </remarks>
public sealed class ModelOptions
{
    /// <summary>Largest integer option (blocks, features, groups, …): 16× the largest in the zoo's papers.</summary>
    public const int MaxInt = 4096;

    /// <summary>Largest network <see cref="ModelZoo.Create"/> builds: 400 MB of float32, 2.3× EDSR (43 M).</summary>
    public const long MaxParameters = 100_000_000;

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
            ? int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i) && i is > 0 and <= MaxInt ? i
              : throw new SuperResException($"model option {name}={v} is not an integer from 1 to {MaxInt}")
            : fallback;

    public float Float(string name, float fallback) =>
        _values.TryGetValue(name, out var v)
            ? float.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out float f) && float.IsFinite(f) ? f
              : throw new SuperResException($"model option {name}={v} is not a finite number")
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
