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

    public static WeightFile Read(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        object? magic = Unpickle(fs, path, new PlainDataResolver(path));
        if (!(magic is BigInteger m && m == Magic))
        {
            string found = magic switch { BigInteger b => $"0x{b:x}", long l => $"0x{l:x}", _ => Unpickler.Describe(magic) };
            throw new WeightFormatException(path, $"wrong magic number {found} (expected 0x{Magic:x}): not a PyTorch legacy checkpoint, or corrupt");
        }
        object? version = Unpickle(fs, path, new PlainDataResolver(path));
        if (version is not long v || v != ProtocolVersion)
            throw new WeightFormatException(path, $"unsupported legacy protocol version {version ?? "None"} (expected {ProtocolVersion})");
        if (Unpickle(fs, path, new PlainDataResolver(path)) is PyDict sysInfo && sysInfo.TryGet("little_endian", out var le) && le is false)
            throw new WeightFormatException(path, "checkpoint was written on a big-endian machine; not supported");

        var data = new Dictionary<TorchStorage, float[]>();
        var resolver = new TorchPickleResolver(path, s => data.TryGetValue(s, out var f) ? f
            : throw new WeightFormatException(path, $"storage '{s.Key}' is missing from the storage key list"));
        object? root = Unpickle(fs, path, resolver);
        var (refs, metadata) = StateDicts.Extract(root, path);
        object? keysObj = Unpickle(fs, path, new PlainDataResolver(path));
        if (keysObj is not List<object?> keys) throw new WeightFormatException(path, $"storage key list is {Unpickler.Describe(keysObj)}, not a list");

        // Storage data follows in key-list order. Decode only storages the chosen tensors use; skip the rest.
        var needed = new HashSet<TorchStorage>(refs.Select(r => r.Value.Storage.Root));
        Span<byte> countBytes = stackalloc byte[8];
        foreach (var k in keys)
        {
            string key = k as string ?? k?.ToString() ?? "None";
            if (!resolver.Storages.TryGetValue(key, out var storage))
                throw new WeightFormatException(path, $"storage key '{key}' in the key list is not referenced by the pickle");
            long at = fs.Position;
            if (fs.ReadAtLeast(countBytes, 8, throwOnEndOfStream: false) < 8)
                throw new WeightFormatException(path, $"file ends at byte {at}, before the data of storage '{key}' (truncated file?)");
            long count = BinaryPrimitives.ReadInt64LittleEndian(countBytes);
            if (count != storage.Numel)
                throw new WeightFormatException(path, $"storage '{key}' at byte {at}: file says {count} elements, the pickle says {storage.Numel}");
            long nbytes = count <= fs.Length ? count * ElementTypes.Size(storage.Type) : long.MaxValue; // no overflow
            if (nbytes > fs.Length - fs.Position)
                throw new WeightFormatException(path, $"storage '{key}' needs {nbytes} bytes at byte {fs.Position} but the file ends at {fs.Length} (truncated file?)");
            if (!needed.Contains(storage)) { fs.Seek(nbytes, SeekOrigin.Current); continue; }
            if (count > Array.MaxLength) throw new WeightFormatException(path, $"storage '{key}' has {count} elements, too many");
            var floats = new float[count];
            if (storage.Type == ElementType.F32 && BitConverter.IsLittleEndian)
                fs.ReadExactly(MemoryMarshal.AsBytes(floats.AsSpan()));
            else
            {
                var raw = new byte[nbytes];
                fs.ReadExactly(raw);
                ElementTypes.Decode(storage.Type, raw, floats);
            }
            data[storage] = floats;
        }

        var tensors = new OrderedDictionary<string, HostTensor>(refs.Count);
        var users = refs.CountBy(r => r.Value.Storage.Root).ToDictionary();
        foreach (var (key, t) in refs) tensors[key] = TensorRebuild.Materialize(t, path, key, users[t.Storage.Root] == 1);
        return new WeightFile(tensors, metadata, WeightFileFormat.PyTorchLegacy);
    }

    private static object? Unpickle(FileStream fs, string path, IPickleResolver resolver) =>
        new Unpickler(fs, path, resolver, fs.Position).Load();

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
