using System.Globalization;

namespace SuperRes.Runtime;

/// <summary>
/// The last device probe's answer to "is there a GPU?", kept across processes so that <c>--device auto</c> on a
/// machine without one picks <c>cpu</c> without starting the OpenCL drivers (PoCL loads LLVM: 0.1–0.2 s a run).
/// One text file, <c>device-probe.txt</c> in the kernel cache directory (beside <c>memory-models.txt</c>): a
/// header, the probe's time and answer, the devices and problems it found, then the <see cref="DeviceProbeKey"/>
/// lines. Plain text because reading JSON would cost more start-up time than the look-up saves. Only a "no GPU"
/// answer with a matching key is used; a probe that found a GPU, or a backend that failed for another reason than a
/// missing library, is probed again every run. A file that cannot be read or parsed warns and counts as a miss;
/// the probe that follows rewrites it.
/// </summary>
public sealed class DeviceProbeCache(string? directory, Func<string>? key = null)
{
    private const string Header = "superres device probe, version 1";
    private const string FileName = "device-probe.txt";
    private const string ProbedLabel = "probed ";
    private const string NoGpuLabel = "no GPU ";
    private const string KeyLabel = "key:";
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
            try
            {
                if (!File.Exists(Path))
                    return null;
                var lines = File.ReadAllLines(Path);
                if (lines.Length == 0 || !lines[0].StartsWith("superres device probe", StringComparison.Ordinal))
                    throw new FormatException("not a device-probe file");
                if (lines[0] != Header)
                    return null;
                var probed = DateTime.ParseExact(Field(lines, ProbedLabel), "O", CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
                bool noGpu = bool.Parse(Field(lines, NoGpuLabel));
                int keyAt = Array.IndexOf(lines, KeyLabel);
                if (keyAt < 0)
                    throw new FormatException($"no \"{KeyLabel}\" line");
                return noGpu && string.Join('\n', lines[(keyAt + 1)..]) == _key() ? probed : null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
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
        var lines = new List<string>
        {
            Header,
            ProbedLabel + DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            NoGpuLabel + (FoundNoGpu(found) ? "true" : "false"),
        };
        lines.AddRange(found.Devices.Select(d => "device " + d.ToString().ReplaceLineEndings(" ")));
        lines.AddRange(found.Problems.Select(p => $"problem {p.Backend.IdPrefix()}: {p.Reason.ReplaceLineEndings(" ")}"));
        lines.Add(KeyLabel);
        lines.Add(_key());
        lock (FileLock)
        {
            try
            {
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
                var temporary = $"{Path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
                File.WriteAllText(temporary, string.Join('\n', lines) + "\n");
                File.Move(temporary, Path, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                warn?.Invoke($"cannot write the device-probe cache {Path}: {e.Message}");
            }
        }
    }

    private static string Field(string[] lines, string label) =>
        lines.FirstOrDefault(l => l.StartsWith(label, StringComparison.Ordinal))?[label.Length..]
        ?? throw new FormatException($"no \"{label.Trim()}\" line");
}
