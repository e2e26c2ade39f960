using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SuperRes.Runtime.Tuning;

/// <summary>What <c>superres tune</c> found best for one kernel and shape class on one device.</summary>
/// <param name="Parameters">The tuned defines (the kernel's <see cref="TuningSpace"/>).</param>
/// <param name="Shape">The shape it was measured on, e.g. <c>1x64x96x96 3x3 64→64</c>.</param>
/// <param name="Milliseconds">Its time there; <paramref name="DefaultMilliseconds"/> is the shipped default's.</param>
public sealed record TunedEntry(KernelDefines Parameters, string Shape, double Milliseconds, double DefaultMilliseconds);

/// <summary>
/// The per-device tuning database: JSON under <c>&lt;kernel cache&gt;/tuning/</c>, one file per device, named by a
/// hash of the backend, device name, driver version and the kernel sources, so a new driver or an edited kernel
/// starts from the shipped defaults again. It holds the best parameters per kernel and shape class and the extra
/// build options that paid off. Written to a temporary file and renamed, so an interrupted tune leaves the last
/// complete database.
/// </summary>
public sealed class TuningDatabase
{
    private const int Version = 1;
    private readonly Dictionary<(string Kernel, string ShapeClass), TunedEntry> _entries = new();

    private TuningDatabase(string? path, string device) => (Path, Device) = (path, device);

    /// <summary>The file (null when the kernel cache is off: nothing is stored).</summary>
    public string? Path { get; }

    public string Device { get; }

    /// <summary>Extra compiler options (after the language version), e.g. <c>-cl-mad-enable</c>; empty for none.</summary>
    public string BuildOptions { get; set; } = "";

    public IReadOnlyDictionary<(string Kernel, string ShapeClass), TunedEntry> Entries => _entries;

    public TunedEntry? Find(string kernel, string shapeClass) => _entries.GetValueOrDefault((kernel, shapeClass));

    /// <summary>The entry's parameters when there is one that <paramref name="illegal"/> accepts (returns null for), else <paramref name="fallback"/>.</summary>
    public KernelDefines ParametersOr(string kernel, string shapeClass, Func<KernelDefines, string?> illegal, KernelDefines fallback) =>
        Find(kernel, shapeClass) is { } tuned && illegal(tuned.Parameters) is null ? tuned.Parameters : fallback;

    public void Set(string kernel, string shapeClass, TunedEntry entry) => _entries[(kernel, shapeClass)] = entry;

    /// <summary>The database of <paramref name="device"/>: its file when present and readable, else an empty one.</summary>
    public static TuningDatabase Load(KernelDevice device)
    {
        var path = PathFor(device);
        var db = new TuningDatabase(path, device.Info.Name);
        if (path is null || !File.Exists(path))
            return db;
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(path))!;
            if (json["version"]?.GetValue<int>() != Version)
                return db;
            db.BuildOptions = json["buildOptions"]?.GetValue<string>() ?? "";
            foreach (var (kernel, classes) in json["kernels"]!.AsObject())
                foreach (var (shapeClass, e) in classes!.AsObject())
                    db.Set(kernel, shapeClass, new TunedEntry(KernelDefines.Parse(e!["parameters"]!.GetValue<string>()),
                        e["shape"]!.GetValue<string>(), e["ms"]!.GetValue<double>(), e["defaultMs"]!.GetValue<double>()));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException
                                      or NullReferenceException or FormatException or ArgumentException)
        {
            return new TuningDatabase(path, device.Info.Name); // a damaged database counts as none; the next tune rewrites it
        }
        return db;
    }

    /// <summary>Writes the database atomically (temporary file, then rename); an unwritable cache is reported, not fatal.</summary>
    public void Save()
    {
        if (Path is null)
            throw new SuperResException("the kernel cache is off (SUPERRES_KERNEL_CACHE=off): there is nowhere to keep a tuning database");
        var kernels = new JsonObject();
        foreach (var group in _entries.OrderBy(e => e.Key.Kernel, StringComparer.Ordinal).ThenBy(e => e.Key.ShapeClass, StringComparer.Ordinal)
                     .GroupBy(e => e.Key.Kernel))
        {
            var classes = new JsonObject();
            foreach (var (key, e) in group)
                classes[key.ShapeClass] = new JsonObject
                {
                    ["parameters"] = e.Parameters.ToString(),
                    ["shape"] = e.Shape,
                    ["ms"] = Math.Round(e.Milliseconds, 3),
                    ["defaultMs"] = Math.Round(e.DefaultMilliseconds, 3),
                };
            kernels[group.Key] = classes;
        }
        var json = new JsonObject
        {
            ["version"] = Version,
            ["device"] = Device,
            ["written"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture),
            ["buildOptions"] = BuildOptions,
            ["kernels"] = kernels,
        };
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            var temp = $"{Path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
            File.WriteAllText(temp, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
            File.Move(temp, Path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SuperResException($"cannot write the tuning database {Path}: {e.Message}");
        }
    }

    /// <summary><c>tuning/&lt;backend&gt;-&lt;hash&gt;.json</c> under <see cref="KernelCache.Directory"/>; null when the cache is off.</summary>
    public static string? PathFor(KernelDevice device)
    {
        if (KernelCache.Directory is not { } dir)
            return null;
        var info = device.Info;
        string key = KernelCache.Key("tuning", Version.ToString(CultureInfo.InvariantCulture), info.Backend.ToString(), info.Name,
            info.DriverVersion, info.ApiVersion, SourceHash(info.Backend));
        return System.IO.Path.Combine(dir, "tuning", $"{info.Backend.IdPrefix()}-{key[..20]}.json");
    }

    /// <summary>SHA-256 over the engine's kernel files as the backend compiles them (prelude and headers included; not plugins' files).</summary>
    public static string SourceHash(BackendKind backend)
    {
        var text = new StringBuilder();
        foreach (var file in KernelLibrary.Files.Where(f => KernelLibrary.SourcePath(f).StartsWith("kernels/", StringComparison.Ordinal)))
            text.Append(file).Append('\u0001').Append(KernelLibrary.Compose(backend, file)).Append('\u0001');
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()))).ToLowerInvariant();
    }
}
