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
        var targets = module.NamedState().ToList();
        var targetNames = targets.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var loaded = new List<string>();
        var missing = new List<string>();
        var mismatched = new List<string>();
        var toWrite = new List<(Tensor Target, HostTensor Source)>();
        foreach (var (name, tensor) in targets)
        {
            if (!state.TryGetValue(name, out var source))
            {
                missing.Add($"{name} {tensor.Shape}");
                continue;
            }
            if (!SameShape(tensor.Shape, source.Shape))
            {
                mismatched.Add($"{name}: file [{string.Join("×", source.Shape)}], network {tensor.Shape}");
                continue;
            }
            toWrite.Add((tensor, source));
            loaded.Add(name);
        }
        var unexpected = state.Keys.Where(k => !targetNames.Contains(k) && !IsIgnorable(k))
            .Select(k => $"{k} [{string.Join("×", state[k].Shape)}]").ToList();
        var report = new StateDictReport(loaded, missing, unexpected, mismatched);
        if (strict && !report.IsComplete)
            throw new StateDictMismatchException("the weights do not fit the network:\n" + report.Describe(), report);
        foreach (var (target, source) in toWrite)
            target.CopyFrom(source.Data);
        foreach (var m in module.Modules())
            m.OnStateLoaded();
        return report;
    }

    // A scalar stored as [] and a [1] tensor are the same thing to us (PReLU with one slope).
    private static bool SameShape(Shape shape, int[] fileShape) =>
        shape.Dims.SequenceEqual(fileShape) || (shape.Length == 1 && HostTensor.ElementCount(fileShape) == 1 && fileShape.Length <= 1);
}
