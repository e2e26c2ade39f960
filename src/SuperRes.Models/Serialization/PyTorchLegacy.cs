using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace SuperRes.Models.Serialization;

/// <summary>
/// torch.save's legacy format (PyTorch &lt; 1.6, or <c>_use_new_zipfile_serialization=False</c>), the
/// format of most published super-resolution checkpoints: consecutive pickles of the magic number
/// 0x1950a86a20f9469cfc6c, the protocol version 1001 and a sys-info dict, then the object (storages as
/// persistent ids), then the list of storage keys; then, for each key in that list's order, an 8-byte
/// little-endian element count and the raw little-endian elements.
/// The much older tar variant (PyTorch ≤ 0.1.9) is not supported.
/// </summary>
public static class PyTorchLegacy
{
    private static readonly BigInteger Magic = BigInteger.Parse("1950a86a20f9469cfc6c", System.Globalization.NumberStyles.HexNumber);
    private const long ProtocolVersion = 1001;

    public static WeightFile Read(string path) => Open(path).Read();

    /// <summary>Reads and checks the header pickles, the object and the storage key list; tensor data is read by
    /// <see cref="WeightFileIndex.Read"/>, which walks the storage records that follow.</summary>
    public static WeightFileIndex Open(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var budget = new LoadBudget(path, fs.Length);
        object? magic = Unpickle(fs, path, new PlainDataResolver(path), budget);
        if (!(magic is BigInteger m && m == Magic))
        {
            string found = magic switch { BigInteger b => $"0x{b:x}", long l => $"0x{l:x}", _ => Unpickler.Describe(magic) };
            throw new WeightFormatException(path, $"wrong magic number {found} (expected 0x{Magic:x}): not a PyTorch legacy checkpoint, or corrupt");
        }
        object? version = Unpickle(fs, path, new PlainDataResolver(path), budget);
        if (version is not long v || v != ProtocolVersion)
            throw new WeightFormatException(path, $"unsupported legacy protocol version {version ?? "None"} (expected {ProtocolVersion})");
        if (Unpickle(fs, path, new PlainDataResolver(path), budget) is PyDict sysInfo && sysInfo.TryGet("little_endian", out var le) && le is false)
            throw new WeightFormatException(path, "checkpoint was written on a big-endian machine; not supported");

        var resolver = new TorchPickleResolver(path, budget);
        object? root = Unpickle(fs, path, resolver, budget);
        var (refs, metadata) = StateDicts.Extract(root, path);
        object? keysObj = Unpickle(fs, path, new PlainDataResolver(path), budget);
        if (keysObj is not List<object?> keyList) throw new WeightFormatException(path, $"storage key list is {Unpickler.Describe(keysObj)}, not a list");
        var order = new List<TorchStorage>(keyList.Count);
        foreach (var k in keyList)
        {
            string key = k as string ?? k?.ToString() ?? "None";
            order.Add(resolver.Storages.TryGetValue(key, out var storage) ? storage
                : throw new WeightFormatException(path, $"storage key '{key}' in the key list is not referenced by the pickle"));
        }
        long dataStart = fs.Position;

        var shapes = new OrderedDictionary<string, int[]>(refs.Count);
        foreach (var (key, t) in refs) shapes[key] = TensorRebuild.Validate(t, path, key);
        return new WeightFileIndex(path, WeightFileFormat.PyTorchLegacy, metadata, shapes, include =>
        {
            var dataBudget = new LoadBudget(path, budget.FileBytes); // each read of the data on its own budget
            var wanted = refs.Where(r => include(r.Key)).ToList();
            var data = ReadStorages(path, dataStart, order, TensorRebuild.StoragesOf(wanted).ToHashSet(), dataBudget);
            return TensorRebuild.MaterializeAll(wanted, path, dataBudget, s => data.TryGetValue(s, out var f) ? f
                : throw new WeightFormatException(path, $"storage '{s.Key}' is missing from the storage key list"));
        });
    }

    /// <summary>Storage records follow in key-list order: decodes those in <paramref name="needed"/>, skips the rest.</summary>
    private static Dictionary<TorchStorage, float[]> ReadStorages(string path, long dataStart, List<TorchStorage> order, HashSet<TorchStorage> needed, LoadBudget budget)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        fs.Position = dataStart;
        var data = new Dictionary<TorchStorage, float[]>();
        Span<byte> countBytes = stackalloc byte[8];
        foreach (var storage in order)
        {
            if (data.Count == needed.Count) break; // nothing wanted further on
            string key = storage.Key;
            long at = fs.Position;
            if (fs.ReadAtLeast(countBytes, 8, throwOnEndOfStream: false) < 8)
                throw new WeightFormatException(path, $"file ends at byte {at}, before the data of storage '{key}' (truncated file?)");
            long count = BinaryPrimitives.ReadInt64LittleEndian(countBytes);
            if (count != storage.Numel)
                throw new WeightFormatException(path, $"storage '{key}' at byte {at}: file says {count} elements, the pickle says {storage.Numel}");
            long nbytes = count <= fs.Length ? count * ElementTypes.Size(storage.Type) : long.MaxValue; // no overflow
            if (nbytes > fs.Length - fs.Position)
                throw new WeightFormatException(path, $"storage '{key}' needs {nbytes} bytes at byte {fs.Position} but the file ends at {fs.Length} (truncated file?)");
            if (!needed.Contains(storage) || data.ContainsKey(storage)) { fs.Seek(nbytes, SeekOrigin.Current); continue; }
            budget.Allocate(storage.DecodedBytes, $"storage '{key}' ({storage.Type}[{count}])");
            if (count > Array.MaxLength) throw new WeightFormatException(path, $"storage '{key}' has {count} elements, too many");
            var floats = new float[count];
            if (ElementTypes.ReadDecoded(fs, storage.Type, floats) < nbytes)
                throw new WeightFormatException(path, $"storage '{key}' at byte {at} ends early (truncated file?)");
            data[storage] = floats;
        }
        return data;
    }

    private static object? Unpickle(FileStream fs, string path, IPickleResolver resolver, LoadBudget budget) =>
        new Unpickler(fs, path, resolver, fs.Position, budget).Load();

    /// <summary>For the header pickles and the key list: plain data only, no globals at all.</summary>
    private sealed class PlainDataResolver(string path) : IPickleResolver
    {
        public object ResolveGlobal(string module, string name) =>
            throw new WeightFormatException(path, $"refusing to load: global '{module}.{name}' in a legacy-format header, where only plain data belongs");
        public object? Reduce(object? callable, PyTuple args) => throw new WeightFormatException(path, "unexpected REDUCE in a legacy-format header");
        public object? NewObject(object? cls, PyTuple args) => throw new WeightFormatException(path, "unexpected NEWOBJ in a legacy-format header");
        public void Build(object? target, object? state) => throw new WeightFormatException(path, "unexpected BUILD in a legacy-format header");
        public object? PersistentLoad(object? pid) => throw new WeightFormatException(path, "unexpected persistent id in a legacy-format header");
    }
}
