using System.Globalization;
using System.Text.Json;
using SuperRes.Models.Networks;
using SuperRes.Models.Weights;

namespace SuperRes.Cli.Commands;

/// <summary>
/// The scale a weights file records, read from the safetensors header alone (a few kilobytes, not the tensors), so a
/// contradicting <c>--scale</c> is refused before anything is built. Only our safetensors files record one.
/// </summary>
internal static class WeightsMetadata
{
    private const long MaxHeaderBytes = 1 << 24;

    /// <summary>
    /// The recorded scale, or null when the file records none (PyTorch checkpoints, foreign safetensors), holds a
    /// multi-scale network (MDSR: every scale is right), or is not readable as safetensors (the loader then says why).
    /// </summary>
    public static int? RecordedScale(string path)
    {
        var metadata = Read(path);
        if (metadata is null || !metadata.TryGetValue(NetworkWeights.ScaleKey, out var text)
            || !int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int scale))
            return null;
        if (metadata.TryGetValue(NetworkWeights.ArchitectureKey, out var architecture)
            && ModelZoo.Entries.Any(e => e.IsMultiScale && string.Equals(e.Name, architecture, StringComparison.OrdinalIgnoreCase)))
            return null;
        return scale;
    }

    private static Dictionary<string, string>? Read(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            Span<byte> length = stackalloc byte[8];
            if (file.ReadAtLeast(length, 8, throwOnEndOfStream: false) < 8)
                return null;
            ulong headerLength = BitConverter.ToUInt64(length);
            if (headerLength < 2 || headerLength > MaxHeaderBytes || (long)headerLength > file.Length - 8)
                return null;
            var header = new byte[headerLength];
            file.ReadExactly(header);
            using var json = JsonDocument.Parse(header);
            if (json.RootElement.ValueKind != JsonValueKind.Object
                || !json.RootElement.TryGetProperty("__metadata__", out var metadata) || metadata.ValueKind != JsonValueKind.Object)
                return null;
            return metadata.EnumerateObject()
                .Where(p => p.Value.ValueKind == JsonValueKind.String)
                .ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
