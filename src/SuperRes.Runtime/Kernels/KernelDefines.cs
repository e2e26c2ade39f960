using System.Globalization;

namespace SuperRes.Runtime;

/// <summary>
/// Compile-time constants a kernel is specialised with (kernel size, stride, tile sizes). Kept sorted so
/// that equal sets give equal cache keys.
/// </summary>
public sealed class KernelDefines : IEquatable<KernelDefines>
{
    public static readonly KernelDefines None = new();

    private readonly SortedDictionary<string, string> _values = new(StringComparer.Ordinal);

    public KernelDefines() { }

    public KernelDefines(IEnumerable<KeyValuePair<string, string>> values)
    {
        foreach (var (k, v) in values)
            Set(k, v);
    }

    public IReadOnlyDictionary<string, string> Values => _values;

    public KernelDefines With(string name, int value) => With(name, value.ToString(CultureInfo.InvariantCulture));

    public KernelDefines With(string name, float value) => With(name, value.ToString("R", CultureInfo.InvariantCulture) + "f");

    public KernelDefines With(string name, string value)
    {
        var copy = new KernelDefines(_values);
        copy.Set(name, value);
        return copy;
    }

    /// <summary>Parses <c>K=3 STRIDE=1</c> (the form of a kernel file's <c>// @config</c> lines).</summary>
    public static KernelDefines Parse(string text)
    {
        var result = new KernelDefines();
        foreach (var part in text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=');
            if (eq > 0)
                result.Set(part[..eq], part[(eq + 1)..]);
            else
                result.Set(part, "1");
        }
        return result;
    }

    /// <summary>Compiler options, the same for NVRTC and OpenCL.</summary>
    public IEnumerable<string> ToOptions() => _values.Select(kv => $"-D{kv.Key}={kv.Value}");

    public override string ToString() => string.Join(' ', _values.Select(kv => $"{kv.Key}={kv.Value}"));

    public bool Equals(KernelDefines? other) => other is not null && ToString() == other.ToString();

    public override bool Equals(object? obj) => Equals(obj as KernelDefines);

    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    private void Set(string name, string value)
    {
        if (name.Length == 0 || !(char.IsLetter(name[0]) || name[0] == '_') || !name.All(c => char.IsLetterOrDigit(c) || c == '_'))
            throw new ArgumentException($"'{name}' is not a valid kernel define name");
        _values[name] = value;
    }
}
