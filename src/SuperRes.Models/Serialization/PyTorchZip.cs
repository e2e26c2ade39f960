using System.IO.Compression;
using System.Runtime.InteropServices;

namespace SuperRes.Models.Serialization;

/// <summary>
/// torch.save's zip format (PyTorch ≥ 1.6): <c>&lt;archive&gt;/data.pkl</c> (the pickled object, storages
/// as persistent ids), <c>&lt;archive&gt;/data/&lt;key&gt;</c> (each storage's raw little-endian bytes) and
/// <c>&lt;archive&gt;/version</c>. The archive folder name varies (torch uses the file's stem).
/// </summary>
public static class PyTorchZip
{
    private const long MaxPickleBytes = 1L << 30;

    /// <summary>Reads the state_dict of a zip checkpoint (see <see cref="WeightFiles.Load"/> for the search rules).</summary>
    public static WeightFile Read(string path) => Open(path).Read();

    /// <summary>Reads and checks the archive's structure and pickle; tensor data is read by <see cref="WeightFileIndex.Read"/>.</summary>
    public static WeightFileIndex Open(string path)
    {
        long length = new FileInfo(path).Length;
        var (prefix, refs, metadata) = WithArchive(path, entries => ReadPickle(path, entries, new LoadBudget(path, length)));
        var shapes = new OrderedDictionary<string, int[]>(refs.Count);
        foreach (var (key, t) in refs) shapes[key] = TensorRebuild.Validate(t, path, key);
        return new WeightFileIndex(path, WeightFileFormat.PyTorchZip, metadata, shapes, include =>
        {
            var budget = new LoadBudget(path, length); // each read of the data on its own budget
            var wanted = refs.Where(r => include(r.Key)).ToList();
            var data = WithArchive(path, entries => TensorRebuild.StoragesOf(wanted)
                .ToDictionary(s => s, s => LoadStorage(path, prefix, entries, s, budget)));
            return TensorRebuild.MaterializeAll(wanted, path, budget, s => data[s]);
        });
    }

    private static T WithArchive<T>(string path, Func<Dictionary<string, ZipArchiveEntry>, T> read)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        ZipArchive zip;
        try { zip = new ZipArchive(fs, ZipArchiveMode.Read, leaveOpen: true); }
        catch (InvalidDataException ex) { throw new WeightFormatException(path, $"not a readable zip archive (truncated or corrupt?): {ex.Message}", ex); }
        using var _ = zip;
        try
        {
            return read(Entries(path, zip));
        }
        catch (InvalidDataException ex) { throw new WeightFormatException(path, $"corrupt zip entry: {ex.Message}", ex); }
        catch (EndOfStreamException ex) { throw new WeightFormatException(path, $"zip entry ends early (truncated file?): {ex.Message}", ex); }
    }

    private static Dictionary<string, ZipArchiveEntry> Entries(string path, ZipArchive zip)
    {
        var entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
        foreach (var e in zip.Entries)
        {
            // We never extract to disk, but a path that climbs out ("zip slip") means a forged archive.
            if (IsUnsafeName(e.FullName))
                throw new WeightFormatException(path, $"zip entry '{e.FullName}' has an unsafe path (absolute, or containing '..'); refusing the file");
            entries[e.FullName] = e;
        }
        return entries;
    }

    private static (string Prefix, List<KeyValuePair<string, TensorRef>> Refs, OrderedDictionary<string, string> Metadata) ReadPickle(
        string path, Dictionary<string, ZipArchiveEntry> entries, LoadBudget budget)
    {
        var pickles = entries.Keys.Where(n => n.EndsWith("/data.pkl", StringComparison.Ordinal) && n.IndexOf('/') == n.Length - "/data.pkl".Length).ToList();
        if (pickles.Count != 1)
            throw new WeightFormatException(path, pickles.Count == 0
                ? "zip archive has no <archive>/data.pkl entry: not a PyTorch checkpoint"
                : $"zip archive has several data.pkl entries ({string.Join(", ", pickles)})");
        string prefix = pickles[0][..^"data.pkl".Length];
        if (entries.ContainsKey(prefix + "constants.pkl"))
            throw new WeightFormatException(path, "this is a TorchScript archive (torch.jit.save), not a state_dict checkpoint; save model.state_dict() with torch.save instead");
        // torch ≥ 2.1 records the writer's byte order; storages are raw native-endian bytes.
        if (entries.TryGetValue(prefix + "byteorder", out var order) && order.Length < 16)
        {
            string text = System.Text.Encoding.ASCII.GetString(ReadEntry(path, order, order.Length)).Trim();
            if (text != "little") throw new WeightFormatException(path, $"storages are in '{text}' byte order; only little-endian checkpoints are supported");
        }

        var pklEntry = entries[pickles[0]];
        if (pklEntry.Length > MaxPickleBytes) throw new WeightFormatException(path, $"data.pkl is {pklEntry.Length} bytes, beyond the {MaxPickleBytes}-byte limit");
        // A compressed entry can inflate far beyond the file: its size counts against the budget too.
        budget.Allocate(pklEntry.Length, $"data.pkl ({pklEntry.Length} bytes)");
        var pkl = new MemoryStream(ReadEntry(path, pklEntry, pklEntry.Length));
        object? root = new Unpickler(pkl, path, new TorchPickleResolver(path, budget), 0, budget).Load();
        var (refs, metadata) = StateDicts.Extract(root, path);
        return (prefix, refs, metadata);
    }

    private static float[] LoadStorage(string path, string prefix, Dictionary<string, ZipArchiveEntry> entries, TorchStorage s, LoadBudget budget)
    {
        string name = prefix + "data/" + s.Key;
        if (s.Key.Length == 0 || s.Key.Contains('/') || s.Key.Contains('\\') || s.Key.Contains(".."))
            throw new WeightFormatException(path, $"storage key '{s.Key}' is not a plain name");
        if (!entries.TryGetValue(name, out var entry))
            throw new WeightFormatException(path, $"storage '{s.Key}' has no zip entry '{name}'");
        int size = ElementTypes.Size(s.Type);
        if (s.Numel > Array.MaxLength || s.Numel > entry.Length / size)
            throw new WeightFormatException(path, $"storage '{s.Key}' ({entry.FullName}) is {entry.Length} bytes, too small for {s.Type}[{s.Numel}]");
        long nbytes = s.Numel * size;
        if (entry.Length != nbytes)
            throw new WeightFormatException(path, $"storage '{s.Key}' ({entry.FullName}) is {entry.Length} bytes but {s.Type}[{s.Numel}] needs {nbytes}");
        budget.Allocate(s.DecodedBytes, $"storage '{s.Key}' ({s.Type}[{s.Numel}])");
        var data = new float[s.Numel];
        using var stream = entry.Open();
        long got = ElementTypes.ReadDecoded(stream, s.Type, data);
        if (got < nbytes) throw new WeightFormatException(path, $"zip entry '{entry.FullName}' ends after {got} of {nbytes} bytes");
        return data;
    }

    private static byte[] ReadEntry(string path, ZipArchiveEntry entry, long length)
    {
        var buf = new byte[length];
        using var s = entry.Open();
        ReadInto(path, entry, s, buf);
        return buf;
    }

    private static void ReadInto(string path, ZipArchiveEntry entry, Stream s, Span<byte> dst)
    {
        int got = s.ReadAtLeast(dst, dst.Length, throwOnEndOfStream: false);
        if (got < dst.Length) throw new WeightFormatException(path, $"zip entry '{entry.FullName}' ends after {got} of {dst.Length} bytes");
    }

    internal static bool IsUnsafeName(string name) =>
        name.Length == 0 || name[0] == '/' || name[0] == '\\' || name.Contains(':') ||
        name.Split('/', '\\').Any(part => part == "..");

    /// <summary>
    /// Writes float32 tensors as an OrderedDict state_dict in torch's zip layout (protocol-2 data.pkl,
    /// one storage per tensor, version "3"), entries stored uncompressed with data 64-byte aligned as
    /// torch writes them; <c>torch.load</c> reads it back. Written via a temporary file and a rename.
    /// </summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, HostTensor>> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var list = tensors.ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, t) in list)
        {
            ArgumentNullException.ThrowIfNull(name);
            ArgumentNullException.ThrowIfNull(t, $"tensor '{name}'");
            if (!seen.Add(name)) throw new ArgumentException($"duplicate tensor name '{name}'", nameof(tensors));
        }
        byte[] pickle = StateDictPickler.Pickle(list);
        AtomicFile.Write(path, fs =>
        {
            var zip = new StoredZipWriter(fs);
            zip.Add("archive/data.pkl", pickle);
            for (int i = 0; i < list.Count; i++)
                zip.Add($"archive/data/{i}", MemoryMarshal.AsBytes(list[i].Value.Data.AsSpan()));
            zip.Add("archive/version", "3\n"u8);
            zip.Finish();
        });
    }
}
