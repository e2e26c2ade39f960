using System.Globalization;
using SuperRes.Models.Modules;
using SuperRes.Models.Networks;
using SuperRes.Models.Serialization;

namespace SuperRes.Models.Weights;

/// <summary>Which zoo network a weight file is for: its name, the scale to build and its options.</summary>
public sealed record NetworkSpec(string Architecture, int Scale, ModelOptions Options)
{
    public override string ToString() =>
        $"{Architecture} x{Scale.ToString(CultureInfo.InvariantCulture)}" + (Options.Values.Count == 0 ? "" : $" ({Options})");
}

/// <summary>
/// Builds zoo networks from weight files and saves them. A safetensors file written by
/// <see cref="SaveSafetensors"/> names its network in its metadata (<c>architecture</c>, <c>scale</c>,
/// <c>colors</c>, <c>config.&lt;option&gt;</c>), so it loads without further arguments; PyTorch checkpoints
/// (zip or legacy) carry no such metadata and need the model name and scale.
/// </summary>
public static class NetworkWeights
{
    /// <summary>Metadata keys of our safetensors files.</summary>
    public const string ArchitectureKey = "architecture", ScaleKey = "scale", ColorsKey = "colors", ConfigPrefix = "config.";

    /// <summary>
    /// Loads a weight file of any supported format (<see cref="WeightFiles.Load"/>) into a new zoo network.
    /// <paramref name="model"/>, <paramref name="scale"/> and <paramref name="options"/> override what the
    /// file's metadata says (options are merged, the explicit ones winning); a file without metadata needs
    /// <paramref name="model"/> and <paramref name="scale"/> (an MDSR model, which holds every scale, defaults
    /// to x2). Strict (default): every missing, unexpected and shape-mismatched key is reported at once in a
    /// <see cref="StateDictMismatchException"/> and nothing is returned. Non-strict: what matches is loaded,
    /// the rest keeps its fresh initialisation, and the report says what was skipped — this is how a x2
    /// checkpoint initialises a x3 or x4 model (EDSR-PyTorch's <c>--pre_train</c> for larger scales): every
    /// tensor but the upsampler's loads. The network comes back in evaluation mode; call
    /// <see cref="Module.Train"/> to train it.
    /// </summary>
    /// <exception cref="WeightFormatException">The file cannot be read.</exception>
    /// <exception cref="SuperResException">The network cannot be determined or built (the message names the file).</exception>
    /// <exception cref="StateDictMismatchException">Strict loading found keys that do not fit.</exception>
    public static (SrNetwork Network, StateDictReport Report) Load(
        Device device, string path, string? model = null, int? scale = null, ModelOptions? options = null, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(path);
        // The file's structure first, then the network, then only the tensors that fit it: names and shapes
        // are compared before any tensor data is read, so a file declaring gigabytes costs nothing.
        var index = WeightFiles.Open(path);
        var spec = Resolve(index.Metadata, index.Format, path, model, scale, options);
        SrNetwork network;
        try
        {
            network = ModelZoo.Create(device, spec.Architecture, spec.Scale, spec.Options);
        }
        catch (SuperResException ex)
        {
            throw new SuperResException($"{path}: cannot build {spec}: {ex.Message}", ex);
        }
        try
        {
            var report = StateDictLoader.Match(network, index.Shapes);
            if (strict && !report.IsComplete)
                throw new StateDictMismatchException(
                    $"{path}: the weights do not fit the network:\n{report.Describe()}{Hint(index.Metadata, spec, report)}", report);
            var loaded = report.Loaded.ToHashSet(StringComparer.Ordinal);
            var file = index.Read(loaded.Contains);
            RefuseNonFinite(path, file);
            StateDictLoader.Write(network, report, file.Tensors);
            network.Eval();
            return (network, report);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>
    /// NaN or ±Inf in a weight turns every output pixel into garbage (a black or white image) without an error,
    /// so such a file is refused, naming the first tensor and how many of its values are bad.
    /// </summary>
    internal static void RefuseNonFinite(string path, WeightFile file)
    {
        foreach (var (key, t) in file.Tensors)
        {
            int bad = 0;
            foreach (float x in t.Data)
                if (!float.IsFinite(x)) bad++;
            if (bad > 0)
                throw new WeightFormatException(path, $"tensor '{key}' holds {bad} non-finite value(s) (NaN or ±Inf) of {t.Data.Length}; " +
                                                      "a network with such weights outputs garbage, so the file is refused");
        }
    }

    /// <inheritdoc cref="Resolve(IReadOnlyDictionary{string, string}, WeightFileFormat, string, string?, int?, ModelOptions?)"/>
    public static NetworkSpec Resolve(WeightFile file, string path, string? model = null, int? scale = null, ModelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        return Resolve(file.Metadata, file.Format, path, model, scale, options);
    }

    /// <summary>
    /// The network a weight file is for: its metadata, overridden by the explicit arguments. Fails with a
    /// message naming the file when the model or scale is neither given nor recorded.
    /// </summary>
    public static NetworkSpec Resolve(IReadOnlyDictionary<string, string> meta, WeightFileFormat format, string path,
        string? model = null, int? scale = null, ModelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(meta);
        string? recorded = meta.TryGetValue(ArchitectureKey, out var a) && !string.IsNullOrWhiteSpace(a) ? a.Trim() : null;

        ZooEntry entry;
        if (model is not null)
        {
            entry = ModelZoo.Find(model);
            if (recorded is not null && !string.Equals(recorded, entry.Name, StringComparison.OrdinalIgnoreCase))
                throw new SuperResException($"{path} holds {recorded} weights, not {entry.Name}");
        }
        else if (recorded is not null)
        {
            try { entry = ModelZoo.Find(recorded); }
            catch (SuperResException ex) { throw new SuperResException($"{path}: its metadata names {ex.Message}", ex); }
        }
        else
        {
            throw new SuperResException(
                $"{path}: a {Describe(format)} does not say which network it is for: give the model and scale " +
                $"(--model, --scale). Models: {string.Join(", ", ModelZoo.Entries.Select(e => e.Name))}");
        }

        int resolvedScale;
        if (scale is { } s)
            resolvedScale = s;
        else if (meta.TryGetValue(ScaleKey, out var st) && recorded is not null)
            resolvedScale = int.TryParse(st, NumberStyles.Integer, CultureInfo.InvariantCulture, out int ms) && ms > 0 ? ms
                : throw new SuperResException($"{path}: metadata scale '{st}' is not a positive integer");
        else if (entry.IsMultiScale)
            resolvedScale = entry.Scales[0];
        else
            throw new SuperResException(
                $"{path}: a {Describe(format)} does not record its scale: give the scale (--scale {string.Join("|", entry.Scales)}) for {entry.Name}");

        var merged = ModelOptions.Empty;
        if (recorded is not null)
            foreach (var (k, v) in meta)
                if (k.StartsWith(ConfigPrefix, StringComparison.Ordinal) && k.Length > ConfigPrefix.Length)
                    merged = merged.With(k[ConfigPrefix.Length..], v);
        if (options is not null)
            foreach (var (k, v) in options.Values)
                merged = merged.With(k, v);
        return new NetworkSpec(entry.Name, resolvedScale, merged);
    }

    /// <summary>
    /// Writes every parameter and buffer (state_dict names and order) to a safetensors file with the metadata
    /// that lets <see cref="Load"/> rebuild the same network (<see cref="SrNetwork.Metadata"/>). Written to a
    /// temporary file and renamed over <paramref name="path"/>.
    /// </summary>
    public static void SaveSafetensors(SrNetwork network, string path)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(path);
        Safetensors.Write(path, network.StateDict(), network.Metadata());
    }

    /// <summary>
    /// Writes the state_dict as a PyTorch zip checkpoint (what <c>torch.save(model.state_dict(), path)</c>
    /// writes; <c>torch.load</c> reads it). It carries no metadata: loading it back needs the model and scale.
    /// </summary>
    public static void SavePyTorch(SrNetwork network, string path)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(path);
        PyTorchZip.Write(path, network.StateDict());
    }

    /// <summary>Saves as PyTorch for <c>.pt</c>/<c>.pth</c>/<c>.pkl</c>, as safetensors otherwise.</summary>
    public static void Save(SrNetwork network, string path)
    {
        string ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext is ".pt" or ".pth" or ".pkl")
            SavePyTorch(network, path);
        else
            SaveSafetensors(network, path);
    }

    private static string Describe(WeightFileFormat format) => format switch
    {
        WeightFileFormat.PyTorchZip => "PyTorch checkpoint",
        WeightFileFormat.PyTorchLegacy => "legacy PyTorch checkpoint",
        _ => "safetensors file without our metadata",
    };

    // A short pointer to the usual causes, after the full list of problems.
    private static string Hint(IReadOnlyDictionary<string, string> metadata, NetworkSpec spec, StateDictReport report)
    {
        bool onlyTail = report.Missing.Count + report.Unexpected.Count + report.ShapeMismatches.Count > 0
            && report.Missing.Concat(report.Unexpected).Concat(report.ShapeMismatches).All(k => k.StartsWith("tail.", StringComparison.Ordinal) || k.StartsWith("upsampl", StringComparison.Ordinal));
        if (onlyTail)
        {
            string recorded = metadata.TryGetValue(ScaleKey, out var s) ? $" (the file is x{s})" : "";
            return $"\nonly the upsampler differs: the checkpoint is probably for another scale than x{spec.Scale}{recorded}; " +
                   "load it non-strict (--non-strict) to initialise everything else from it";
        }
        if (!metadata.ContainsKey(ArchitectureKey))
            return $"\nthe file has no metadata: check that it is a {spec.Architecture} checkpoint and its options " +
                   "(blocks, features, …: --options) match how it was trained";
        return "";
    }
}
