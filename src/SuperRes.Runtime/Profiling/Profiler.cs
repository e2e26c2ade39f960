using System.Diagnostics;

namespace SuperRes.Runtime.Profiling;

/// <summary>One timed launch (kernel devices) or one timed op (Cpu), with its label and costs.</summary>
/// <param name="Kernel">Kernel entry point (Cpu: the op's name, which is the entry point its kernel version runs).</param>
/// <param name="Config">The op's configuration (shapes), e.g. <c>3x3 64→64 128x128 n1</c>; empty for an unlabelled launch.</param>
/// <param name="Defines">The kernel's compile-time defines (empty on Cpu).</param>
/// <param name="Phase">What the program was doing (<see cref="Profiler.Phase"/>): forward, backward, ….</param>
/// <param name="StartMs">Start on the device clock, ms (any fixed epoch).</param>
/// <param name="Grid">Launch geometry, null on Cpu.</param>
public sealed record ProfileSample(
    string Kernel,
    string Config,
    string Defines,
    string Phase,
    double StartMs,
    double DurationMs,
    double Flops,
    double Bytes,
    string? Grid)
{
    /// <summary>The row name of the profile table: entry point and configuration.</summary>
    public string Name => Config.Length == 0 ? Kernel : $"{Kernel} {Config}";
}

/// <summary>
/// Times every kernel launch on one device (with device timestamps: the OpenCL kernel event, CUDA event
/// pairs) or, on the Cpu device, every primitive op with the host clock, and labels each with the op that
/// made it (<see cref="OpTimer"/>). Attach by constructing it on the thread that drives the device; dispose to
/// detach. Launches are resolved into <see cref="ProfileSample"/>s by <see cref="Collect"/> (which waits for the device).
/// </summary>
public sealed class Profiler : IDisposable
{
    // Pending launches hold device events; resolve them now and then so a long run does not pile them up.
    private const int MaxPending = 20_000;

    private readonly List<PendingLaunch> _pending = [];
    private readonly List<ProfileSample> _samples = [];
    private readonly DeviceEvent? _origin;
    private bool _disposed;

    public Profiler(Device device)
    {
        if (OpTimer.Attached is not null)
            throw new InvalidOperationException("a profiler is already attached on this thread");
        Device = device;
        if (device is KernelDevice k)
        {
            if (k.Profiler is not null)
                throw new InvalidOperationException($"{device.Info.Id} already has a profiler attached");
            _origin = device.RecordEvent();
            k.Profiler = this;
        }
        OpTimer.Attach(this);
    }

    public Device Device { get; }

    /// <summary>True on kernel devices (each launch timed on the device); false on Cpu (each op timed on the host).</summary>
    public bool TimesKernels => Device is KernelDevice;

    /// <summary>A tag stored with every sample from now on (e.g. <c>forward</c>, <c>backward</c>).</summary>
    public string Phase { get; set; } = "";

    /// <summary>Samples recorded so far that are already resolved (see <see cref="Collect"/>).</summary>
    public int Count => _samples.Count + _pending.Count;

    /// <summary>Waits for the device and returns every sample recorded since the start or the last <see cref="Clear"/>.</summary>
    public IReadOnlyList<ProfileSample> Collect()
    {
        Flush();
        return _samples.ToArray();
    }

    /// <summary>Drops every sample recorded so far.</summary>
    public void Clear()
    {
        Flush();
        _samples.Clear();
    }

    internal void RecordLaunch(Kernel kernel, LaunchGrid grid, LaunchTiming timing)
    {
        var cost = OpTimer.TakeLaunchCost();
        _pending.Add(new PendingLaunch(kernel, cost, grid, Phase, timing));
        if (_pending.Count >= MaxPending)
            Flush();
    }

    internal void RecordHost(OpCost cost, long startTicks, long endTicks)
    {
        if (TimesKernels || _disposed)
            return;
        double start = startTicks * 1000.0 / Stopwatch.Frequency;
        double end = endTicks * 1000.0 / Stopwatch.Frequency;
        _samples.Add(new ProfileSample(cost.Name, cost.Config, "", Phase, start, end - start, cost.Flops, cost.Bytes, null));
    }

    private void Flush()
    {
        if (_pending.Count == 0)
            return;
        Device.Synchronize();
        try
        {
            foreach (var p in _pending)
            {
                var (start, end) = p.Timing.Resolve(_origin);
                var grid = $"{p.Grid.GlobalX}x{p.Grid.GlobalY}x{p.Grid.GlobalZ}/{p.Grid.LocalX}x{p.Grid.LocalY}x{p.Grid.LocalZ}";
                _samples.Add(new ProfileSample(p.Kernel.Name, p.Cost?.Config ?? "", p.Kernel.Program.Defines.ToString(), p.Phase,
                    start, Math.Max(0, end - start), p.Cost?.Flops ?? 0, p.Cost?.Bytes ?? 0, grid));
            }
        }
        finally
        {
            DisposePending();
        }
    }

    private void DisposePending()
    {
        foreach (var p in _pending)
            p.Timing.Dispose();
        _pending.Clear();
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (Device is KernelDevice k && ReferenceEquals(k.Profiler, this))
            k.Profiler = null;
        if (ReferenceEquals(OpTimer.Attached, this))
            OpTimer.Attach(null);
        DisposePending();
        _origin?.Dispose();
    }

    private sealed record PendingLaunch(Kernel Kernel, OpCost? Cost, LaunchGrid Grid, string Phase, LaunchTiming Timing);
}
