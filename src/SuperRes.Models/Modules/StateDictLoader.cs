using SuperRes.Models.Serialization;
using SuperRes.Tensors;

namespace SuperRes.Models.Modules;

/// <summary>What a <see cref="Module.LoadStateDict"/> did: what loaded and what did not, by name.</summary>
public sealed record StateDictReport(
    IReadOnlyList<string> Loaded,
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Unexpected,
    IReadOnlyList<string> ShapeMismatches)
{
    public bool IsComplete => Missing.Count == 0 && Unexpected.Count == 0 && ShapeMismatches.Count == 0;

    public string Describe()
    {
        var lines = new List<string>();
        if (Missing.Count > 0)
            lines.Add($"missing keys ({Missing.Count}): " + string.Join(", ", Missing));
        if (Unexpected.Count > 0)
            lines.Add($"unexpected keys ({Unexpected.Count}): " + string.Join(", ", Unexpected));
        if (ShapeMismatches.Count > 0)
            lines.Add($"shape mismatches ({ShapeMismatches.Count}): " + string.Join(", ", ShapeMismatches));
        return string.Join("\n", lines);
    }
}

/// <summary>The state dict does not fit the network; the message lists every problem at once.</summary>
public sealed class StateDictMismatchException(string message, StateDictReport report) : SuperResException(message)
{
    public StateDictReport Report { get; } = report;
}

internal static class StateDictLoader
{
    // PyTorch keeps these beside BatchNorm's running statistics; we do not count batches.
    private static bool IsIgnorable(string key) => key.EndsWith("num_batches_tracked", StringComparison.Ordinal);

    public static StateDictReport Load(Module module, IReadOnlyDictionary<string, HostTensor> state, bool strict)
    {
        var report = Match(module, state.ToDictionary(kv => kv.Key, kv => kv.Value.Shape, StringComparer.Ordinal));
        if (strict && !report.IsComplete)
            throw new StateDictMismatchException("the weights do not fit the network:\n" + report.Describe(), report);
        Write(module, report, state);
        return report;
    }

    /// <summary>What loading tensors of these shapes would do, decided from the shapes alone (no data needed).</summary>
    public static StateDictReport Match(Module module, IReadOnlyDictionary<string, int[]> shapes)
    {
        var targets = module.NamedState().ToList();
        var targetNames = targets.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var loaded = new List<string>();
        var missing = new List<string>();
        var mismatched = new List<string>();
        foreach (var (name, tensor) in targets)
        {
            if (!shapes.TryGetValue(name, out var shape))
                missing.Add($"{name} {tensor.Shape}");
            else if (!SameShape(tensor.Shape, shape))
                mismatched.Add($"{name}: file [{string.Join("×", shape)}], network {tensor.Shape}");
            else
                loaded.Add(name);
        }
        var unexpected = shapes.Keys.Where(k => !targetNames.Contains(k) && !IsIgnorable(k))
            .Select(k => $"{k} [{string.Join("×", shapes[k])}]").ToList();
        return new StateDictReport(loaded, missing, unexpected, mismatched);
    }

    /// <summary>Copies the report's <see cref="StateDictReport.Loaded"/> tensors from <paramref name="state"/> into the module.</summary>
    public static void Write(Module module, StateDictReport report, IReadOnlyDictionary<string, HostTensor> state)
    {
        var targets = module.NamedState().ToDictionary(t => t.Name, t => t.Value, StringComparer.Ordinal);
        foreach (string name in report.Loaded)
            targets[name].CopyFrom(state[name].Data);
        foreach (var m in module.Modules())
            m.OnStateLoaded();
    }

    // A scalar stored as [] and a [1] tensor are the same thing to us (PReLU with one slope).
    private static bool SameShape(Shape shape, int[] fileShape) =>
        shape.Dims.SequenceEqual(fileShape) || (shape.Length == 1 && HostTensor.ElementCount(fileShape) == 1 && fileShape.Length <= 1);
}
