namespace SuperRes.Models.Serialization;

/// <summary>
/// A weight file whose structure has been read and checked (format, metadata, every tensor's name and shape)
/// but none of whose tensor data has: a caller compares the shapes with what it needs (a network's parameters)
/// and then reads only those tensors, so a file declaring gigabytes is refused before a byte of it is read.
/// </summary>
public sealed class WeightFileIndex
{
    private readonly Func<Func<string, bool>, IReadOnlyDictionary<string, HostTensor>> _read;

    internal WeightFileIndex(string path, WeightFileFormat format, IReadOnlyDictionary<string, string> metadata,
        IReadOnlyDictionary<string, int[]> shapes, Func<Func<string, bool>, IReadOnlyDictionary<string, HostTensor>> read)
    {
        Path = path;
        Format = format;
        Metadata = metadata;
        Shapes = shapes;
        _read = read;
    }

    public string Path { get; }
    public WeightFileFormat Format { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Name → shape of every tensor, in file order (after <c>module.</c> stripping).</summary>
    public IReadOnlyDictionary<string, int[]> Shapes { get; }

    /// <summary>Reads the tensors <paramref name="include"/> accepts (all when null), in file order.</summary>
    /// <exception cref="WeightFormatException">The data is truncated, corrupt or over the file's budget.</exception>
    public WeightFile Read(Func<string, bool>? include = null) => new(_read(include ?? (_ => true)), Metadata, Format);
}
