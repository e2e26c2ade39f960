using System.Globalization;
using System.Numerics;

namespace SuperRes.Models.Serialization;

/// <summary>
/// Finds the state_dict inside an unpickled checkpoint.
/// Search order: (1) the top-level dict itself, if any of its values is a tensor; otherwise (2) the
/// first of <see cref="ContainerKeys"/> whose value leads to tensors (searched the same way, up to 4
/// levels deep; <c>params_ema</c> precedes <c>params</c> as BasicSR intends); otherwise (3) the only
/// top-level value that leads to tensors. Non-tensor entries of the chosen dict are ignored, and a
/// leading <c>module.</c> (DataParallel) is stripped when every key has it.
/// </summary>
internal static class StateDicts
{
    public static readonly string[] ContainerKeys =
        ["params_ema", "params", "state_dict", "model_state_dict", "model", "net", "network", "generator", "netG", "weights"];

    private const int MaxDepth = 4;

    public static (List<KeyValuePair<string, TensorRef>> Tensors, OrderedDictionary<string, string> Metadata) Extract(object? root, string path)
    {
        if (root is not PyDict top)
            throw new WeightFormatException(path, $"the checkpoint holds {Unpickler.Describe(root)}, not a dict of tensors");
        var found = Find(top, 0, new HashSet<PyDict>(ReferenceEqualityComparer.Instance)) ?? throw new WeightFormatException(path,
            $"no state_dict found: no tensors at the top level nor under any of [{string.Join(", ", ContainerKeys)}]; " +
            $"top-level keys are [{string.Join(", ", top.Items.Take(20).Select(kv => Unpickler.Describe(kv.Key)))}]");

        var tensors = new List<KeyValuePair<string, TensorRef>>();
        foreach (var (k, v) in found.Items)
            if (k is string key && v is TensorRef t) tensors.Add(new(key, t));
        return (StripModulePrefix(tensors), ScalarMetadata(top));
    }

    /// <summary>Drops a leading "module." from every key, when every key has it.</summary>
    public static List<KeyValuePair<string, T>> StripModulePrefix<T>(List<KeyValuePair<string, T>> items)
    {
        const string prefix = "module.";
        if (items.Count == 0 || !items.All(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))) return items;
        return items.Select(kv => new KeyValuePair<string, T>(kv.Key[prefix.Length..], kv.Value)).ToList();
    }

    // `visited` keeps the search linear: a pickle can make one dict appear under many keys (memo).
    private static PyDict? Find(PyDict d, int depth, HashSet<PyDict> visited)
    {
        if (!visited.Add(d)) return null;
        if (d.Items.Any(kv => kv.Value is TensorRef)) return d;
        if (depth >= MaxDepth) return null;
        foreach (string key in ContainerKeys)
            if (d.TryGet(key, out var v) && v is PyDict inner && Find(inner, depth + 1, visited) is { } hit) return hit;
        PyDict? only = null;
        foreach (var (_, v) in d.Items)
        {
            if (v is not PyDict inner || Find(inner, depth + 1, visited) is not { } hit) continue;
            if (only is not null) return null; // ambiguous: several candidates
            only = hit;
        }
        return only;
    }

    private static OrderedDictionary<string, string> ScalarMetadata(PyDict top)
    {
        var meta = new OrderedDictionary<string, string>();
        foreach (var (k, v) in top.Items)
        {
            if (k is not string key) continue;
            string? text = v switch
            {
                string s => s,
                bool b => b ? "True" : "False",
                long l => l.ToString(CultureInfo.InvariantCulture),
                BigInteger bi => bi.ToString(CultureInfo.InvariantCulture),
                double x => x.ToString("R", CultureInfo.InvariantCulture),
                _ => null,
            };
            if (text is not null) meta[key] = text;
        }
        return meta;
    }
}
