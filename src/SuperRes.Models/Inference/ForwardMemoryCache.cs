using System.Globalization;
using System.Text;
using SuperRes.Models.Networks;
using SuperRes.Runtime;

namespace SuperRes.Models.Inference;

/// <summary>
/// Measured forward memory models (<see cref="TilePlanner.Measure"/>) kept across processes, so that a run whose
/// network, device and size class were measured before plans its tiles without probe passes. One text file,
/// <c>memory-models.txt</c> in the kernel cache directory (beside the compiled programs and the tuning databases), a
/// version line and then one line per key: <c>key fixedBytes bytesPerPixel build # what it is, when</c>. The key hashes
/// the engine build (the Runtime, Tensors and Models assemblies, whose kernels and allocation code decide the bytes),
/// the device (backend, name, driver, API version, its tuning database's time), the network (architecture, scale,
/// configuration, parameter shapes) and the size class (input channels and probe sizes). A plain line format, read
/// with a split, keeps the lookup off the JSON parser on the path to the first tile; writing drops the entries of
/// other builds, which can never match again, so the file does not grow with every upgrade. A file that cannot be
/// read or parsed counts as empty, with a one-line warning, and is rewritten.
/// </summary>
public sealed class ForwardMemoryCache(string? directory)
{
    private const string Header = "superres forward memory models, version 2";
    private const string FileName = "memory-models.txt";
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
        return ReadAll(warn)?.GetValueOrDefault(Key(network, channels))?.Memory;
    }

    /// <summary>Stores <paramref name="memory"/> for <paramref name="network"/> and <paramref name="channels"/>: written to a temporary file and renamed.</summary>
    public void Store(SrNetwork network, int channels, ForwardMemory memory, Action<string>? warn)
    {
        if (Path is null)
            return;
        lock (FileLock)
        {
            var models = ReadAll(warn: null) ?? [];
            string written = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
            models[Key(network, channels)] = new Entry(memory, EngineBuild, $"{network.Architecture} x{network.Scale}, {channels} channel(s), {network.Device.Info}, {written}");
            var text = new StringBuilder(Header).Append('\n');
            foreach (var (key, entry) in models.Where(m => m.Value.Build == EngineBuild).OrderBy(m => m.Key, StringComparer.Ordinal))
                text.Append(CultureInfo.InvariantCulture, $"{key} {entry.Memory.FixedBytes:R} {entry.Memory.BytesPerPixel:R} {entry.Build} # {OneLine(entry.About)}\n");
            try
            {
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
                var temporary = $"{Path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
                File.WriteAllText(temporary, text.ToString());
                File.Move(temporary, Path, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                warn?.Invoke($"cannot write the memory-model cache {Path}: {e.Message}");
            }
        }
    }

    private sealed record Entry(ForwardMemory Memory, string Build, string About);

    // Every entry of the file by key; null when there is no file, empty (after a warning) when it cannot be read or parsed.
    private Dictionary<string, Entry>? ReadAll(Action<string>? warn)
    {
        lock (FileLock)
        {
            if (!File.Exists(Path))
                return null;
            try
            {
                var lines = File.ReadAllLines(Path!);
                if (lines.Length == 0 || lines[0] != Header)
                    throw new FormatException(lines.Length == 0 ? "empty" : "not a memory-model file of this version");
                var models = new Dictionary<string, Entry>(StringComparer.Ordinal);
                for (int i = 1; i < lines.Length; i++)
                {
                    int comment = lines[i].IndexOf(" # ", StringComparison.Ordinal);
                    var fields = (comment < 0 ? lines[i] : lines[i][..comment]).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (fields.Length != 4)
                        throw new FormatException($"line {i + 1} has {fields.Length} fields, expected 4");
                    double fixedBytes = double.Parse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture);
                    double perPixel = double.Parse(fields[2], NumberStyles.Float, CultureInfo.InvariantCulture);
                    if (!(fixedBytes >= 0) || !(perPixel >= 0) || double.IsInfinity(fixedBytes) || double.IsInfinity(perPixel))
                        throw new FormatException($"line {i + 1} has byte counts out of range");
                    models[fields[0]] = new Entry(new ForwardMemory(fixedBytes, perPixel), fields[3], comment < 0 ? "" : lines[i][(comment + 3)..]);
                }
                return models;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException)
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
            Header, EngineBuild,
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
