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
    /// Holes between tensors are tolerated; overlaps, out-of-range offsets and size mismatches are not.
    /// </summary>
    public static WeightFile Read(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long fileLength = RandomAccess.GetLength(handle);
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
        long dataStart = 8 + (long)headerLength;
        long dataLength = fileLength - dataStart;
        var (entries, metadata) = ParseHeader(path, headerBytes, dataLength);

        var tensors = new OrderedDictionary<string, HostTensor>(entries.Count);
        foreach (var e in entries)
        {
            var data = new float[e.Count];
            if (e.Type == ElementType.F32 && BitConverter.IsLittleEndian)
                ReadExactly(handle, MemoryMarshal.AsBytes(data.AsSpan()), dataStart + e.Begin, path);
            else
            {
                var raw = new byte[e.End - e.Begin];
                ReadExactly(handle, raw, dataStart + e.Begin, path);
                ElementTypes.Decode(e.Type, raw, data);
            }
            tensors.Add(e.Name, new HostTensor(e.Shape, data));
        }
        return new WeightFile(tensors, metadata, WeightFileFormat.Safetensors);
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

    private sealed record Entry(string Name, ElementType Type, int[] Shape, int Count, long Begin, long End);

    private static (List<Entry>, OrderedDictionary<string, string>) ParseHeader(string path, byte[] header, long dataLength)
    {
        if (!System.Text.Unicode.Utf8.IsValid(header)) Fail(path, "header is not valid UTF-8");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 8 }); }
        catch (JsonException ex) { throw new WeightFormatException(path, $"header is not valid JSON: {ex.Message}", ex); }
        using var _ = doc;
        if (doc.RootElement.ValueKind != JsonValueKind.Object) Fail(path, "header JSON is not an object");

        var entries = new List<Entry>();
        var metadata = new OrderedDictionary<string, string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var prop in doc.RootElement.EnumerateObject())
        {
            if (!names.Add(prop.Name)) Fail(path, $"header lists '{prop.Name}' twice");
            if (prop.Name == "__metadata__")
            {
                if (prop.Value.ValueKind != JsonValueKind.Object) Fail(path, "__metadata__ is not an object");
                foreach (var m in prop.Value.EnumerateObject())
                {
                    if (m.Value.ValueKind != JsonValueKind.String) Fail(path, $"__metadata__ value of '{m.Name}' is not a string");
                    metadata[m.Name] = m.Value.GetString()!;
                }
                continue;
            }
            entries.Add(ParseEntry(path, prop.Name, prop.Value, dataLength));
        }

        // Overlap check: sort by start; empty tensors occupy nothing.
        Entry? prev = null;
        foreach (var e in entries.Where(e => e.End > e.Begin).OrderBy(e => e.Begin))
        {
            if (prev is not null && e.Begin < prev.End)
                Fail(path, $"tensor '{e.Name}' (bytes {e.Begin}..{e.End}) overlaps tensor '{prev.Name}' (bytes {prev.Begin}..{prev.End})");
            prev = e;
        }
        return (entries, metadata);
    }

    private static Entry ParseEntry(string path, string name, JsonElement v, long dataLength)
    {
        if (v.ValueKind != JsonValueKind.Object) Fail(path, $"tensor '{name}': header entry is not an object");
        if (!v.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String) Fail(path, $"tensor '{name}': missing dtype");
        string dtype = dt.GetString()!;
        var type = ElementTypes.FromSafetensors(dtype) ?? throw new WeightFormatException(path, $"tensor '{name}': unsupported dtype '{dtype}'");

        if (!v.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array) Fail(path, $"tensor '{name}': missing shape");
        var shape = new int[sh.GetArrayLength()];
        int i = 0;
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int n) || n < 0)
                Fail(path, $"tensor '{name}': shape entry {d} is not a non-negative int");
            shape[i++] = d.GetInt32();
        }
        long count = HostTensor.ElementCount(shape);
        if (count < 0) Fail(path, $"tensor '{name}': shape [{string.Join(",", shape)}] has too many elements");

        if (!v.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            Fail(path, $"tensor '{name}': data_offsets must be [begin, end]");
        long[] be = new long[2];
        i = 0;
        foreach (var o in off.EnumerateArray())
        {
            if (o.ValueKind != JsonValueKind.Number || !o.TryGetInt64(out long x) || x < 0)
                Fail(path, $"tensor '{name}': data offset {o} is not a non-negative integer");
            be[i++] = o.GetInt64();
        }
        long begin = be[0], end = be[1];
        if (begin > end) Fail(path, $"tensor '{name}': data_offsets [{begin}, {end}] run backwards");
        if (end > dataLength) Fail(path, $"tensor '{name}': data_offsets [{begin}, {end}] run past the data section ({dataLength} bytes)");
        long expected = count * ElementTypes.Size(type);
        if (end - begin != expected)
            Fail(path, $"tensor '{name}': data_offsets [{begin}, {end}] span {end - begin} bytes but {dtype}[{string.Join(",", shape)}] needs {expected}");
        return new Entry(name, type, shape, (int)count, begin, end);
    }

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
    private static void Fail(string path, string problem) => throw new WeightFormatException(path, problem);
}
