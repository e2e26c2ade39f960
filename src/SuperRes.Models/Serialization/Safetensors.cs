using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace SuperRes.Models.Serialization;

/// <summary>
/// safetensors: 8-byte little-endian header length N, N bytes of JSON
/// <c>{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}}</c>, then the raw
/// little-endian data; offsets are relative to the end of the header.
/// </summary>
public static class Safetensors
{
    /// <summary>Headers beyond this are refused (the reference implementation uses the same 100 MB cap).</summary>
    private const long MaxHeaderBytes = 100_000_000;

    /// <summary>
    /// Reads every tensor (F32, F16, BF16, F64; integer and BOOL tensors too) as float32, keys as stored
    /// (no <c>module.</c> stripping: <see cref="WeightFiles.Load"/> does that).
    /// </summary>
    public static WeightFile Read(string path) => Open(path).Read();

    /// <summary>
    /// Reads and checks the header. As the reference implementation requires, the tensors' byte ranges must
    /// tile the data section exactly: contiguous from 0, no holes, no overlaps, ending at the end of the file.
    /// A header whose length is off by a byte, which would shift every tensor, fails here. With
    /// <paramref name="stripModulePrefix"/>, a leading <c>module.</c> on every key is dropped.
    /// </summary>
    public static WeightFileIndex Open(string path, bool stripModulePrefix = false)
    {
        long fileLength, dataStart;
        List<Entry> entries;
        OrderedDictionary<string, string> metadata;
        using (var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            fileLength = RandomAccess.GetLength(handle);
            if (fileLength < 8) Fail(path, $"file is {fileLength} bytes, shorter than the 8-byte header length");
            Span<byte> lenBytes = stackalloc byte[8];
            ReadExactly(handle, lenBytes, 0, path);
            ulong headerLength = BitConverter.ToUInt64(lenBytes);
            if (headerLength > (ulong)(fileLength - 8))
                Fail(path, $"header length {headerLength} runs beyond the end of the file ({fileLength} bytes): truncated or not safetensors");
            if (headerLength > MaxHeaderBytes) Fail(path, $"header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit");
            if (headerLength < 2) Fail(path, $"header length {headerLength} is too small for a JSON object");
            var headerBytes = new byte[headerLength];
            ReadExactly(handle, headerBytes, 8, path);
            dataStart = 8 + (long)headerLength;
            (entries, metadata) = SafetensorsHeader.Parse(path, headerBytes, fileLength - dataStart);
        }
        var names = entries.Select(e => new KeyValuePair<string, Entry>(e.Name, e)).ToList();
        if (stripModulePrefix) names = StateDicts.StripModulePrefix(names);
        var shapes = new OrderedDictionary<string, int[]>(names.Count);
        foreach (var (name, e) in names) shapes[name] = e.Shape;
        return new WeightFileIndex(path, WeightFileFormat.Safetensors, metadata, shapes,
            include => ReadTensors(path, dataStart, names.Where(n => include(n.Key)), new LoadBudget(path, fileLength)));
    }

    private static OrderedDictionary<string, HostTensor> ReadTensors(string path, long dataStart, IEnumerable<KeyValuePair<string, Entry>> entries, LoadBudget budget)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var tensors = new OrderedDictionary<string, HostTensor>();
        foreach (var (name, e) in entries)
        {
            budget.Allocate(4L * e.Count, $"tensor '{name}'");
            var data = new float[e.Count];
            fs.Position = dataStart + e.Begin;
            if (ElementTypes.ReadDecoded(fs, e.Type, data) < e.End - e.Begin)
                Fail(path, $"unexpected end of file inside tensor '{name}' (bytes {e.Begin}..{e.End} of the data)");
            tensors.Add(name, new HostTensor(e.Shape, data));
        }
        return tensors;
    }

    /// <summary>
    /// Writes float32 tensors in the given order, with optional string metadata. The header is padded
    /// with spaces to a multiple of 8 bytes, so the data stays aligned. Written to a temporary file in
    /// the same folder and renamed over <paramref name="path"/>.
    /// </summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, HostTensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var list = tensors.ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, t) in list)
        {
            if (string.IsNullOrEmpty(name) || name == "__metadata__")
                throw new ArgumentException($"invalid tensor name '{name}'", nameof(tensors));
            if (!seen.Add(name)) throw new ArgumentException($"duplicate tensor name '{name}'", nameof(tensors));
            ArgumentNullException.ThrowIfNull(t, $"tensor '{name}'");
        }

        var json = new MemoryStream();
        using (var w = new Utf8JsonWriter(json))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata) w.WriteString(k, v);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, t) in list)
            {
                w.WriteStartObject(name);
                w.WriteString("dtype", "F32");
                w.WriteStartArray("shape");
                foreach (int d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                offset += 4L * t.Data.Length;
                w.WriteNumberValue(offset);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        int pad = (int)(-json.Length & 7);
        for (int i = 0; i < pad; i++) json.WriteByte((byte)' ');

        AtomicFile.Write(path, fs =>
        {
            Span<byte> len = stackalloc byte[8];
            BitConverter.TryWriteBytes(len, (ulong)json.Length);
            fs.Write(len);
            json.Position = 0;
            json.CopyTo(fs);
            foreach (var (_, t) in list) WriteFloats(fs, t.Data);
        });
    }

    internal static void WriteFloats(Stream s, float[] data)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("big-endian hosts are not supported");
        s.Write(MemoryMarshal.AsBytes(data.AsSpan()));
    }

    internal sealed record Entry(string Name, ElementType Type, int[] Shape, int Count, long Begin, long End);

    private static void ReadExactly(SafeFileHandle handle, Span<byte> buffer, long offset, string path)
    {
        while (buffer.Length > 0)
        {
            int n = RandomAccess.Read(handle, buffer, offset);
            if (n <= 0) Fail(path, $"unexpected end of file at byte {offset}");
            buffer = buffer[n..];
            offset += n;
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    internal static void Fail(string path, string problem) => throw new WeightFormatException(path, problem);
}
