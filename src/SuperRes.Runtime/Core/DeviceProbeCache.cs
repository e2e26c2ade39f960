using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SuperRes.Runtime;

/// <summary>
/// The last device probe's answer to "is there a GPU?", kept across processes so that <c>--device auto</c> on a
/// machine without one picks <c>cpu</c> without starting the OpenCL drivers (PoCL loads LLVM: 0.1–0.2 s a run).
/// One JSON file, <c>device-probe.json</c> in the kernel cache directory (beside <c>memory-models.json</c>), with
/// the <see cref="DeviceProbeKey"/> of the probe. Only a "no GPU" answer with a matching key is used; a probe that
/// found a GPU, or a backend that failed for another reason than a missing library, is probed again every run.
/// A file that cannot be read or parsed warns once and counts as a miss; the probe that follows rewrites it.
/// </summary>
public sealed class DeviceProbeCache(string? directory, Func<string>? key = null)
{
    private const int Version = 1;
    private const string FileName = "device-probe.json";
    private static readonly object FileLock = new();
    private readonly Func<string> _key = key ?? (() => DeviceProbeKey.Compute());

    /// <summary>The cache in <see cref="KernelCache.Directory"/> (none when <c>SUPERRES_KERNEL_CACHE=off</c>).</summary>
    public static DeviceProbeCache Default => new(KernelCache.Directory);

    /// <summary>The file, or null when nothing is kept.</summary>
    public string? Path { get; } = directory is null ? null : System.IO.Path.Combine(directory, FileName);

    /// <summary>Whether a probe's answer may be reused: no GPU, and every backend that failed only lacks its library.</summary>
    public static bool FoundNoGpu(DiscoveryResult found) =>
        !found.Devices.Any(d => d.IsGpu) && found.Problems.All(p => p.LibraryMissing);

    /// <summary>When the cached probe found no GPU under the current key, the time it ran (UTC); otherwise null.</summary>
    public DateTime? NoGpuProbedAt(Action<string>? warn)
    {
        if (Path is null)
            return null;
        lock (FileLock)
        {
            if (!File.Exists(Path))
                return null;
            try
            {
                var json = JsonNode.Parse(File.ReadAllText(Path)) as JsonObject ?? throw new JsonException("not a JSON object");
                if (json["version"]?.GetValue<int>() != Version || json["key"]?.GetValue<string>() != _key())
                    return null;
                if (!(json["noGpu"] ?? throw new JsonException("no \"noGpu\" field")).GetValue<bool>())
                    return null;
                return DateTime.ParseExact(json["probed"]?.GetValue<string>() ?? throw new JsonException("no \"probed\" time"),
                    "O", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or FormatException)
            {
                warn?.Invoke($"ignoring the device-probe cache {Path} ({e.Message.ReplaceLineEndings(" ")}); probing the devices again");
                return null;
            }
        }
    }

    /// <summary>Records a real probe's answer; an unwritable cache is only a warning (the next run probes again).</summary>
    public void Store(DiscoveryResult found, Action<string>? warn)
    {
        if (Path is null)
            return;
        var json = new JsonObject
        {
            ["version"] = Version,
            ["key"] = _key(),
            ["noGpu"] = FoundNoGpu(found),
            ["devices"] = new JsonArray([.. found.Devices.Select(d => JsonValue.Create(d.ToString()))]),
            ["problems"] = new JsonArray([.. found.Problems.Select(p => JsonValue.Create($"{p.Backend.IdPrefix()}: {p.Reason}"))]),
            ["probed"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        };
        lock (FileLock)
        {
            try
            {
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
                var temporary = $"{Path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
                File.WriteAllText(temporary, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                File.Move(temporary, Path, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                warn?.Invoke($"cannot write the device-probe cache {Path}: {e.Message}");
            }
        }
    }
}
