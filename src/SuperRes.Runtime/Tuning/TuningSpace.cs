using System.Globalization;

namespace SuperRes.Runtime.Tuning;

/// <summary>One compile-time define a kernel may be tuned over, with every value it may take.</summary>
public sealed record TuningParameter(string Name, IReadOnlyList<int> Values, string Meaning);

/// <summary>
/// The tunable defines of one kernel (its legal ranges, declared beside the op's kernel host code) and the rule
/// that rejects combinations a shape or device cannot run. A configuration is a <see cref="KernelDefines"/> that
/// gives every parameter one of its values.
/// </summary>
public sealed class TuningSpace(string kernel, IReadOnlyList<TuningParameter> parameters)
{
    public string Kernel { get; } = kernel;

    public IReadOnlyList<TuningParameter> Parameters { get; } = parameters;

    /// <summary>Every combination of the parameters' values, legal or not, in a fixed order.</summary>
    public IEnumerable<KernelDefines> All()
    {
        IEnumerable<KernelDefines> configs = [KernelDefines.None];
        foreach (var p in Parameters)
        {
            var parameter = p;
            configs = configs.SelectMany(c => parameter.Values.Select(v => c.With(parameter.Name, v)));
        }
        return configs;
    }

    /// <summary>
    /// Up to <paramref name="count"/> combinations that <paramref name="illegal"/> accepts (returns null for), drawn
    /// without repetition in an order fixed by <paramref name="seed"/>.
    /// </summary>
    public IReadOnlyList<KernelDefines> Sample(int count, int seed, Func<KernelDefines, string?> illegal)
    {
        var legal = All().Where(c => illegal(c) is null).ToArray();
        new Random(seed).Shuffle(legal);
        return legal.Take(count).ToArray();
    }

    /// <summary>Why <paramref name="config"/> is not a configuration of this space (a missing parameter, an undeclared value), or null.</summary>
    public string? Check(KernelDefines config)
    {
        foreach (var p in Parameters)
        {
            if (!config.Values.TryGetValue(p.Name, out var text))
                return $"{Kernel}: no value for {p.Name}";
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || !p.Values.Contains(v))
                return $"{Kernel}: {p.Name}={text} is not one of {string.Join(", ", p.Values)}";
        }
        var unknown = config.Values.Keys.Where(k => Parameters.All(p => p.Name != k)).ToList();
        return unknown.Count == 0 ? null : $"{Kernel}: {string.Join(", ", unknown)} not tunable";
    }

    /// <summary>The integer value of one parameter of a configuration.</summary>
    public static int Value(KernelDefines config, string name) =>
        config.Values.TryGetValue(name, out var text) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)
            ? v
            : throw new ArgumentException($"configuration [{config}] has no integer {name}");
}
