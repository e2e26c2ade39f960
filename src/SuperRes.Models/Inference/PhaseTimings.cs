using System.Diagnostics;
using System.Globalization;

namespace SuperRes.Models.Inference;

/// <summary>
/// Where an upscale's wall time goes (<c>superres upscale --timings</c>): named phases with their start and length
/// from process start, on whichever thread ran them (the forwards and the conversion task overlap). Thread-safe.
/// </summary>
public sealed class PhaseTimings
{
    private readonly Lock _lock = new();
    private readonly List<(string Name, double Start, double Length, int Thread)> _phases = [];
    private readonly long _origin = Stopwatch.GetTimestamp();

    /// <summary>Seconds from process start to this object's creation (runtime start, JIT, argument parsing).</summary>
    public double StartupSeconds { get; } = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalSeconds;

    /// <summary>Times the phase from now until the returned scope is disposed.</summary>
    public Scope Phase(string name) => new(this, name, Stopwatch.GetTimestamp());

    /// <summary>Seconds from process start to now.</summary>
    public double Now => StartupSeconds + Stopwatch.GetElapsedTime(_origin).TotalSeconds;

    /// <summary>The phases in order of their start, then per name the total and count, as lines of text.</summary>
    public IEnumerable<string> Report()
    {
        List<(string Name, double Start, double Length, int Thread)> phases;
        lock (_lock)
            phases = [.. _phases.OrderBy(p => p.Start)];
        var inv = CultureInfo.InvariantCulture;
        yield return string.Format(inv, "{0,8:F3} s  {1,8:F3} s  process start to the command's handler (runtime, JIT, parsing)", 0, StartupSeconds);
        // Phases repeated per tile or strip are summed; the first and last times bound them.
        foreach (var group in phases.GroupBy(p => p.Name))
        {
            var list = group.ToList();
            double first = list[0].Start, end = list.Max(p => p.Start + p.Length), sum = list.Sum(p => p.Length);
            string threads = string.Join(",", list.Select(p => p.Thread).Distinct());
            yield return list.Count == 1
                ? string.Format(inv, "{0,8:F3} s  {1,8:F3} s  {2} [thread {3}]", first, sum, group.Key, threads)
                : string.Format(inv, "{0,8:F3} s  {1,8:F3} s  {2} ×{3} (sum; last ends at {4:F3} s) [thread {5}]", first, sum, group.Key, list.Count, end, threads);
        }
        yield return string.Format(inv, "{0,8:F3} s  end; process CPU {1:F3} s, of which JIT {2:F3} s ({3} methods), GC pauses {4:F3} s",
            Now, Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, System.Runtime.JitInfo.GetCompilationTime().TotalSeconds,
            System.Runtime.JitInfo.GetCompiledMethodCount(), GC.GetTotalPauseDuration().TotalSeconds);
    }

    private void Add(string name, long start)
    {
        double startSeconds = StartupSeconds + Stopwatch.GetElapsedTime(_origin, start).TotalSeconds;
        double length = Stopwatch.GetElapsedTime(start).TotalSeconds;
        lock (_lock)
            _phases.Add((name, startSeconds, length, Environment.CurrentManagedThreadId));
    }

    /// <summary>A running phase; disposing it records it. A default scope (no timings) records nothing.</summary>
    public readonly struct Scope(PhaseTimings? owner, string name, long start) : IDisposable
    {
        public void Dispose() => owner?.Add(name, start);
    }
}

/// <summary>Timing helpers that do nothing without a <see cref="PhaseTimings"/>.</summary>
public static class PhaseTimingsExtensions
{
    public static PhaseTimings.Scope Time(this PhaseTimings? timings, string name) =>
        timings?.Phase(name) ?? default;
}
