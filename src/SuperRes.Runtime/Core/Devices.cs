using System.Globalization;

namespace SuperRes.Runtime;

/// <summary>
/// A backend that was looked for and not usable, with the reason; <paramref name="LibraryMissing"/> when its
/// library is not installed at all (rather than installed and failing).
/// </summary>
public sealed record BackendProblem(BackendKind Backend, string Reason, bool LibraryMissing = false);

public sealed record DiscoveryResult(IReadOnlyList<DeviceInfo> Devices, IReadOnlyList<BackendProblem> Problems);

/// <summary>A device in the order <c>auto</c> considers them, with the reason for its place.</summary>
public sealed record RankedDevice(DeviceInfo Device, string Reason);

/// <summary>The device <c>auto</c> chose, why, and whether the answer came from <see cref="DeviceProbeCache"/>.</summary>
public sealed record AutoChoice(DeviceInfo Device, string Reason, bool FromCachedProbe);

/// <summary>
/// Device discovery and selection. Ids: <c>auto</c> (the first of <see cref="Ranking"/>: CUDA GPUs, OpenCL GPUs,
/// the C# Cpu backend, then OpenCL CPU devices; <c>cpu</c> straight from a cached "no GPU" probe, see
/// <see cref="ChooseAuto"/>), <c>cpu</c>, <c>opencl</c>, <c>opencl:N</c>, <c>cuda</c>, <c>cuda:N</c>.
/// </summary>
public static class Devices
{
    private static readonly Lazy<DiscoveryResult> Cached = new(DiscoverUncached);

    public static IReadOnlyList<IBackendProvider> Providers { get; } =
        [new Cuda.CudaProvider(), new OpenCL.OpenClProvider(), new Cpu.CpuProvider()];

    public static DiscoveryResult Discover() => Cached.Value;

    /// <summary>
    /// Memory cap applied to devices opened without an explicit cap: <c>SUPERRES_MAX_MEMORY</c> (e.g. <c>2G</c>)
    /// if set, else the device's own memory.
    /// </summary>
    public static long? DefaultMemoryCap =>
        Environment.GetEnvironmentVariable("SUPERRES_MAX_MEMORY") is { Length: > 0 } s ? Bytes.Parse(s) : null;

    public static DeviceInfo Resolve(string spec)
    {
        string s = spec.Trim().ToLowerInvariant();
        // The C# backend is always there: naming it starts no driver (finding OpenCL devices starts PoCL, 0.1–0.2 s).
        if (s is "cpu" or "cpu:0")
            return Cpu.CpuProvider.Info;
        if (s is "auto" or "")
            return ChooseAuto().Device;
        var found = Discover();
        DeviceInfo? match = s switch
        {
            "opencl" => found.Devices.Where(d => d.Backend == BackendKind.OpenCL).OrderByDescending(d => d.IsGpu).FirstOrDefault(),
            "cuda" => found.Devices.FirstOrDefault(d => d.Backend == BackendKind.Cuda),
            _ => found.Devices.FirstOrDefault(d => d.Id == s),
        };
        if (match is not null)
            return match;
        var available = string.Join(", ", found.Devices.Select(d => $"{d.Id} ({d.Name})"));
        var problems = found.Problems.Count == 0 ? "" : "; not found: " + string.Join("; ", found.Problems.Select(p => $"{p.Backend}: {p.Reason}"));
        throw new DeviceSelectionException($"no device '{spec}'. Available: {available}{problems}");
    }

    /// <summary>
    /// The devices from most to least preferred for running networks. GPUs come first. The C# Cpu backend comes
    /// before OpenCL CPU devices: on the CPUs measured (docs/performance.md) it runs convolutions 10–100× faster
    /// than PoCL, whose kernels are tuned for GPUs, so an OpenCL CPU device is only used when asked for by id.
    /// </summary>
    public static IReadOnlyList<RankedDevice> Ranking(DiscoveryResult? found = null)
    {
        var devices = (found ?? Discover()).Devices;
        var ranked = new List<RankedDevice>();
        ranked.AddRange(devices.Where(d => d.Backend == BackendKind.Cuda).Select(d => new RankedDevice(d, "a CUDA GPU")));
        ranked.AddRange(devices.Where(d => d.Backend == BackendKind.OpenCL && d.IsGpu).Select(d => new RankedDevice(d, "an OpenCL GPU")));
        var gpus = ranked.Count;
        ranked.AddRange(devices.Where(d => d.Backend == BackendKind.Cpu).Select(d => new RankedDevice(d,
            gpus == 0 ? "no GPU found; the C# backend is the fastest CPU path" : "the C# backend, after the GPUs")));
        ranked.AddRange(devices.Where(d => d.Backend == BackendKind.OpenCL && !d.IsGpu).Select(d => new RankedDevice(d,
            "an OpenCL CPU device: slower than the C# backend on CPUs; chosen only by id")));
        return ranked;
    }

    /// <summary>
    /// The device <c>auto</c> picks. When <paramref name="cache"/> (default: <see cref="DeviceProbeCache.Default"/>)
    /// holds a "no GPU" answer under the current key, that is <c>cpu</c> and no driver is started; otherwise the
    /// devices are probed (<paramref name="probe"/>, default <see cref="Discover"/>) and the answer is stored.
    /// </summary>
    public static AutoChoice ChooseAuto(DeviceProbeCache? cache = null, Func<DiscoveryResult>? probe = null, Action<string>? warn = null)
    {
        cache ??= DeviceProbeCache.Default;
        if (cache.NoGpuProbedAt(warn) is { } probedAt)
            return new AutoChoice(Cpu.CpuProvider.Info, string.Create(CultureInfo.InvariantCulture,
                $"no GPU found by the cached device probe of {probedAt:yyyy-MM-dd HH:mm} UTC (`superres devices` probes again and refreshes it)"), true);
        var found = ProbeAndRecord(cache, probe, warn);
        var first = Ranking(found).FirstOrDefault()
            ?? throw new DeviceSelectionException("no device found for 'auto'; not found: " + string.Join("; ", found.Problems.Select(p => $"{p.Backend}: {p.Reason}")));
        return new AutoChoice(first.Device, first.Reason, false);
    }

    /// <summary>Probes every backend (<paramref name="probe"/>, default <see cref="Discover"/>) and rewrites the device-probe cache.</summary>
    public static DiscoveryResult ProbeAndRecord(DeviceProbeCache? cache = null, Func<DiscoveryResult>? probe = null, Action<string>? warn = null)
    {
        var found = (probe ?? Discover)();
        (cache ?? DeviceProbeCache.Default).Store(found, warn);
        return found;
    }

    public static Device Open(string spec = "auto", long? memoryCapBytes = null) => Open(Resolve(spec), memoryCapBytes);

    public static Device Open(DeviceInfo info, long? memoryCapBytes = null)
    {
        var provider = Providers.First(p => p.Kind == info.Backend);
        return provider.Open(info, memoryCapBytes ?? DefaultMemoryCap);
    }

    private static DiscoveryResult DiscoverUncached()
    {
        var devices = new List<DeviceInfo>();
        var problems = new List<BackendProblem>();
        foreach (var provider in Providers)
        {
            try
            {
                var list = provider.Discover();
                if (list.Count == 0)
                    problems.Add(new BackendProblem(provider.Kind, "the runtime is installed but reports no devices"));
                devices.AddRange(list);
            }
            catch (NativeLibraryMissingException e)
            {
                problems.Add(new BackendProblem(provider.Kind, e.Message, LibraryMissing: true));
            }
            catch (SuperResException e)
            {
                problems.Add(new BackendProblem(provider.Kind, e.Message));
            }
        }
        return new DiscoveryResult(devices, problems);
    }
}
