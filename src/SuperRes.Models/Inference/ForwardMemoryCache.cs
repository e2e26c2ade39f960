using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SuperRes.Models.Networks;
using SuperRes.Runtime;

namespace SuperRes.Models.Inference;

/// <summary>
/// Measured forward memory models (<see cref="TilePlanner.Measure"/>) kept across processes, so that a run whose
/// network, device and size class were measured before plans its tiles without probe passes. One JSON file,
/// <c>memory-models.json</c> in the kernel cache directory (beside the compiled programs and the tuning databases),
/// with one entry per key: a hash of the engine build (the Runtime, Tensors and Models assemblies, whose kernels and
/// allocation code decide the bytes), the device (backend, name, driver, API version, its tuning database's time),
/// the network (architecture, scale, configuration, parameter shapes) and the size class (input channels and probe
/// sizes). A file that cannot be read or parsed counts as empty, with a one-line warning, and is rewritten.
/// </summary>
public sealed class ForwardMemoryCache(string? directory)
{
    private const int Version = 1;
    private const string FileName = "memory-models.json";
    private static readonly object FileLock = new();

    /// <summary>The cache in <see cref="KernelCache.Directory"/> (none when <c>SUPERRES_KERNEL_CACHE=off</c>).</summary>
    public static ForwardMemoryCache Default => new(KernelCache.Directory);

    /// <summary>The file, or null when nothing is kept.</summary>
    public string? Path { get; } = directory is null ? null : System.IO.Path.Combine(directory, FileName);

    /// <summary>The stored model of <paramref name="network"/> for <paramref name="channels"/> input channels, or null (a miss).</summary>
    public ForwardMemory? Find(SrNetwork network, int channels, Action<string>? warn)
    {
        if (Path is null)
            return null;
        var entry = ReadAll(warn)?[Key(network, channels)];
        if (entry is null)
            return null;
        try
        {
            return new ForwardMemory(entry["fixedBytes"]!.GetValue<double>(), entry["bytesPerPixel"]!.GetValue<double>());
        }
        catch (Exception e) when (e is InvalidOperationException or NullReferenceException or FormatException)
        {
            warn?.Invoke($"ignoring a damaged entry in the memory-model cache {Path}; measuring the network again");
            return null;
        }
    }

    /// <summary>Stores a measured model; an unwritable cache is only a warning (the next run measures again).</summary>
    public void Store(SrNetwork network, int channels, ForwardMemory memory, Action<string>? warn)
    {
        if (Path is null)
            return;
        lock (FileLock)
        {
            var models = ReadAll(warn: null) ?? [];
            models[Key(network, channels)] = new JsonObject
            {
                ["network"] = $"{network.Architecture} x{network.Scale}",
                ["device"] = network.Device.Info.ToString(),
                ["channels"] = channels,
                ["fixedBytes"] = memory.FixedBytes,
                ["bytesPerPixel"] = memory.BytesPerPixel,
                ["written"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture),
            };
            var json = new JsonObject { ["version"] = Version, ["models"] = models };
            try
            {
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
                var temporary = $"{Path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
                File.WriteAllText(temporary, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                File.Move(temporary, Path, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                warn?.Invoke($"cannot write the memory-model cache {Path}: {e.Message}");
            }
        }
    }

    /// <summary>The entries, or null when there is no file; a damaged file warns and reads as empty.</summary>
    private JsonObject? ReadAll(Action<string>? warn)
    {
        lock (FileLock)
        {
            if (!File.Exists(Path))
                return null;
            try
            {
                var json = JsonNode.Parse(File.ReadAllText(Path!)) as JsonObject ?? throw new JsonException("not a JSON object");
                if (json["version"]?.GetValue<int>() != Version)
                    return [];
                return (json["models"] as JsonObject)?.DeepClone().AsObject() ?? throw new JsonException("no \"models\" object");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or FormatException)
            {
                warn?.Invoke($"ignoring the memory-model cache {Path} ({OneLine(e.Message)}); measuring the network again");
                return [];
            }
        }
    }

    /// <summary>The entry's key: engine build, device, network and size class, hashed.</summary>
    public static string Key(SrNetwork network, int channels)
    {
        var info = network.Device.Info;
        string tuning = network.Device is KernelDevice { Tuning.Path: { } tuningPath } && File.Exists(tuningPath)
            ? File.GetLastWriteTimeUtc(tuningPath).Ticks.ToString(CultureInfo.InvariantCulture)
            : "none";
        var parts = new List<string>
        {
            "memory-model", Version.ToString(CultureInfo.InvariantCulture), EngineBuild,
            info.Backend.ToString(), info.Name, info.DriverVersion, info.ApiVersion, tuning,
            $"channels {channels}", $"probes {TilePlanner.ProbeSizes}",
        };
        parts.AddRange(network.Metadata().OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key}={m.Value}"));
        parts.AddRange(network.NamedParameters().Select(p => $"{p.Name}:{p.Value.Shape}"));
        return KernelCache.Key([.. parts]);
    }

    // The module version ids change with every build of the code that decides a forward's allocations.
    private static readonly string EngineBuild = string.Join(",", new[] { typeof(KernelCache), typeof(Tensors.Tensor), typeof(ForwardMemoryCache) }
        .Select(t => t.Assembly.ManifestModule.ModuleVersionId.ToString("N")));

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
