using System.Text.Json;

namespace SuperRes.Models.Serialization;

/// <summary>Parses and checks a safetensors header: every entry, its dtype, shape and byte range.</summary>
internal static class SafetensorsHeader
{
    public static (List<Safetensors.Entry>, OrderedDictionary<string, string>) Parse(string path, byte[] header, long dataLength)
    {
        if (!System.Text.Unicode.Utf8.IsValid(header)) Safetensors.Fail(path, "header is not valid UTF-8");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 8 }); }
        catch (JsonException ex) { throw new WeightFormatException(path, $"header is not valid JSON: {ex.Message}", ex); }
        using var _ = doc;
        if (doc.RootElement.ValueKind != JsonValueKind.Object) Safetensors.Fail(path, "header JSON is not an object");

        var entries = new List<Safetensors.Entry>();
        var metadata = new OrderedDictionary<string, string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var prop in doc.RootElement.EnumerateObject())
        {
            string name = Text(path, () => prop.Name, "a tensor name");
            if (!names.Add(name)) Safetensors.Fail(path, $"header lists '{name}' twice");
            if (name == "__metadata__")
            {
                if (prop.Value.ValueKind != JsonValueKind.Object) Safetensors.Fail(path, "__metadata__ is not an object");
                foreach (var m in prop.Value.EnumerateObject())
                {
                    string key = Text(path, () => m.Name, "a __metadata__ key");
                    if (m.Value.ValueKind != JsonValueKind.String) Safetensors.Fail(path, $"__metadata__ value of '{key}' is not a string");
                    metadata[key] = Text(path, () => m.Value.GetString()!, $"__metadata__ value of '{key}'");
                }
                continue;
            }
            entries.Add(ParseEntry(path, name, prop.Value, dataLength));
        }

        CheckTiling(path, entries, dataLength);
        return (entries, metadata);
    }

    private static Safetensors.Entry ParseEntry(string path, string name, JsonElement v, long dataLength)
    {
        if (v.ValueKind != JsonValueKind.Object) Safetensors.Fail(path, $"tensor '{name}': header entry is not an object");
        if (!v.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String) Safetensors.Fail(path, $"tensor '{name}': missing dtype");
        string dtype = Text(path, () => dt.GetString()!, $"tensor '{name}': dtype");
        var type = ElementTypes.FromSafetensors(dtype) ?? throw new WeightFormatException(path, $"tensor '{name}': unsupported dtype '{dtype}'");

        if (!v.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array) Safetensors.Fail(path, $"tensor '{name}': missing shape");
        var shape = new int[sh.GetArrayLength()];
        int i = 0;
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int n) || n < 0)
                Safetensors.Fail(path, $"tensor '{name}': shape entry {d} is not a non-negative int");
            shape[i++] = d.GetInt32();
        }
        long count = HostTensor.ElementCount(shape);
        if (count < 0) Safetensors.Fail(path, $"tensor '{name}': shape [{string.Join(",", shape)}] has too many elements");

        if (!v.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            Safetensors.Fail(path, $"tensor '{name}': data_offsets must be [begin, end]");
        long[] be = new long[2];
        i = 0;
        foreach (var o in off.EnumerateArray())
        {
            if (o.ValueKind != JsonValueKind.Number || !o.TryGetInt64(out long x) || x < 0)
                Safetensors.Fail(path, $"tensor '{name}': data offset {o} is not a non-negative integer");
            be[i++] = o.GetInt64();
        }
        long begin = be[0], end = be[1];
        if (begin > end) Safetensors.Fail(path, $"tensor '{name}': data_offsets [{begin}, {end}] run backwards");
        if (end > dataLength) Safetensors.Fail(path, $"tensor '{name}': data_offsets [{begin}, {end}] run past the data section ({dataLength} bytes)");
        long expected = count * ElementTypes.Size(type);
        if (end - begin != expected)
            Safetensors.Fail(path, $"tensor '{name}': data_offsets [{begin}, {end}] span {end - begin} bytes but {dtype}[{string.Join(",", shape)}] needs {expected}");
        return new Safetensors.Entry(name, type, shape, (int)count, begin, end);
    }


    /// <summary>
    /// The byte ranges, sorted, must follow one another from 0 to the end of the data with no hole or overlap
    /// (empty tensors take no room): what the reference implementation checks, and what catches a header whose
    /// length is off, which would otherwise shift every tensor by a byte and load garbage.
    /// </summary>
    private static void CheckTiling(string path, List<Safetensors.Entry> entries, long dataLength)
    {
        long expected = 0;
        Safetensors.Entry? prev = null;
        foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (e.Begin != expected)
                Safetensors.Fail(path, e.Begin > expected
                    ? $"tensor '{e.Name}' starts at data byte {e.Begin} but {(prev is null ? "the data starts" : $"tensor '{prev.Name}' ends")} at {expected}: a hole in the data (header length wrong?)"
                    : $"tensor '{e.Name}' (bytes {e.Begin}..{e.End}) overlaps tensor '{prev!.Name}' (bytes {prev.Begin}..{prev.End})");
            expected = e.End;
            prev = e;
        }
        if (expected != dataLength)
            Safetensors.Fail(path, $"the tensors cover {expected} bytes of data but the file holds {dataLength} after the header (header length wrong, or trailing bytes)");
    }

    /// <summary>JSON can escape a lone UTF-16 surrogate ("\ud800"), which is no string; .NET throws on reading it.</summary>
    private static string Text(string path, Func<string> read, string what)
    {
        try { return read(); }
        catch (InvalidOperationException ex) { throw new WeightFormatException(path, $"{what} is not valid text (a lone UTF-16 surrogate?): {ex.Message}", ex); }
    }
}
