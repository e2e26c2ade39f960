using SuperRes.Models.Modules;
using SuperRes.Models.Networks;
using SuperRes.Models.Serialization;

namespace SuperRes.Models.Weights;

/// <summary>
/// Weight files for any <see cref="Module"/>, not only the zoo's super-resolution networks (the SRGAN
/// discriminator, a VGG feature extractor): the same formats, checks and strictness as <see cref="NetworkWeights"/>,
/// into a module the caller built.
/// </summary>
public static class ModuleWeights
{
    /// <summary>
    /// Loads a weight file of any supported format into <paramref name="module"/> by state_dict name. Strict
    /// (default): every missing, unexpected and shape-mismatched key is reported at once in a
    /// <see cref="StateDictMismatchException"/> and nothing is written; non-strict loads what matches. Files holding
    /// NaN or ±Inf are refused. Names and shapes are compared before any tensor data is read.
    /// </summary>
    /// <exception cref="WeightFormatException">The file cannot be read.</exception>
    /// <exception cref="StateDictMismatchException">Strict loading found keys that do not fit.</exception>
    public static StateDictReport Load(Module module, string path, bool strict = true) => Load(module, WeightFiles.Open(path), path, strict);

    internal static StateDictReport Load(Module module, WeightFileIndex index, string path, bool strict)
    {
        ArgumentNullException.ThrowIfNull(module);
        var report = StateDictLoader.Match(module, index.Shapes);
        if (strict && !report.IsComplete)
            throw new StateDictMismatchException($"{path}: the weights do not fit the network:\n{report.Describe()}", report);
        var loaded = report.Loaded.ToHashSet(StringComparer.Ordinal);
        var file = index.Read(loaded.Contains);
        NetworkWeights.RefuseNonFinite(path, file);
        StateDictLoader.Write(module, report, file.Tensors);
        return report;
    }

    /// <summary>
    /// Writes every parameter and buffer (state_dict names and order): a PyTorch zip checkpoint for
    /// <c>.pt</c>/<c>.pth</c>/<c>.pkl</c> (no metadata), safetensors with <paramref name="metadata"/> otherwise.
    /// Written to a temporary file and renamed over <paramref name="path"/>.
    /// </summary>
    public static void Save(Module module, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(path);
        string ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext is ".pt" or ".pth" or ".pkl")
            PyTorchZip.Write(path, module.StateDict());
        else
            Safetensors.Write(path, module.StateDict(), metadata);
    }

    /// <summary>
    /// Builds an <see cref="SrganDiscriminator"/> from a weight file: its options from the file's metadata (a file we
    /// wrote names the architecture and its <c>config.*</c>), overridden by <paramref name="options"/>; a PyTorch
    /// checkpoint without metadata gets the paper's layout unless <paramref name="options"/> says otherwise.
    /// </summary>
    /// <exception cref="SuperResException">The file holds another network's weights, or the options are invalid.</exception>
    public static SrganDiscriminator LoadDiscriminator(Device device, string path, ModelOptions? options = null, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(path);
        var index = WeightFiles.Open(path);
        var meta = index.Metadata;
        if (meta.TryGetValue(NetworkWeights.ArchitectureKey, out var recorded) && !string.Equals(recorded.Trim(), SrganDiscriminator.ArchitectureName, StringComparison.OrdinalIgnoreCase))
            throw new SuperResException($"{path} holds {recorded} weights, not {SrganDiscriminator.ArchitectureName}");
        var merged = ModelOptions.Empty;
        foreach (var (k, v) in meta)
            if (k.StartsWith(NetworkWeights.ConfigPrefix, StringComparison.Ordinal) && k.Length > NetworkWeights.ConfigPrefix.Length)
                merged = merged.With(k[NetworkWeights.ConfigPrefix.Length..], v);
        foreach (var (k, v) in (options ?? ModelOptions.Empty).Values)
            merged = merged.With(k, v);
        SrganDiscriminator discriminator;
        try
        {
            discriminator = new SrganDiscriminator(device, merged);
        }
        catch (SuperResException ex)
        {
            throw new SuperResException($"{path}: cannot build {SrganDiscriminator.ArchitectureName}: {ex.Message}", ex);
        }
        try
        {
            Load(discriminator, index, path, strict);
            return discriminator;
        }
        catch
        {
            discriminator.Dispose();
            throw;
        }
    }
}
