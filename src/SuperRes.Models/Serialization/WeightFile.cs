namespace SuperRes.Models.Serialization;

/// <summary>How a weight file was stored on disk.</summary>
public enum WeightFileFormat
{
    Safetensors,
    /// <summary>torch.save from PyTorch ≥ 1.6: a zip holding <c>&lt;archive&gt;/data.pkl</c> and <c>data/N</c>.</summary>
    PyTorchZip,
    /// <summary>torch.save before 1.6 (or <c>_use_new_zipfile_serialization=False</c>): a pickle stream.</summary>
    PyTorchLegacy,
}

/// <summary>The tensors of a weight file, in file order, plus its string metadata.</summary>
/// <remarks>
/// Metadata is safetensors' <c>__metadata__</c>; for PyTorch checkpoints it holds the scalar
/// (int, float, str, bool) entries of the top-level dict, e.g. <c>epoch</c>, formatted invariantly.
/// </remarks>
public sealed class WeightFile
{
    public WeightFile(IReadOnlyDictionary<string, HostTensor> tensors, IReadOnlyDictionary<string, string> metadata, WeightFileFormat format)
    {
        Tensors = tensors ?? throw new ArgumentNullException(nameof(tensors));
        Metadata = metadata ?? throw new ArgumentNullException(nameof(metadata));
        Format = format;
    }

    /// <summary>Name → tensor; enumerates in file order.</summary>
    public IReadOnlyDictionary<string, HostTensor> Tensors { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }
    public WeightFileFormat Format { get; }
}
