using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SuperRes.Runtime.Profiling;

/// <summary>The samples of one kernel configuration, added up.</summary>
public sealed record ProfileRow(string Name, string Kernel, string Config, string Defines, int Calls, double TotalMs, double Flops, double Bytes)
{
    public double MeanUs => Calls == 0 ? 0 : TotalMs * 1000 / Calls;

    public double Gflops => TotalMs > 0 ? Flops / (TotalMs * 1e6) : 0;

    public double Gbps => TotalMs > 0 ? Bytes / (TotalMs * 1e6) : 0;

    /// <summary>Arithmetic intensity, FLOP per byte of memory traffic (0 when the op has no byte count).</summary>
    public double Intensity => Bytes > 0 ? Flops / Bytes : 0;

    /// <summary>Whether the roofline puts it under the compute roof (intensity at or past the ridge) or the memory one.</summary>
    public bool IsComputeBound(DevicePeak peak) => Bytes > 0 && Flops > 0 && Intensity >= peak.Ridge;

    /// <summary>% of the roof that applies (compute or bandwidth); null when the op has no cost model.</summary>
    public double? PercentOfPeak(DevicePeak peak) =>
        Flops <= 0 && Bytes <= 0 ? null
        : IsComputeBound(peak) ? 100 * Gflops / peak.Gflops
        : 100 * Gbps / peak.Gbps;
}

/// <summary>What <c>superres profile</c> measured: the per-kernel rows and the end-to-end figures.</summary>
public sealed record ProfileSummary
{
    public required string Device { get; init; }
    public required string DeviceName { get; init; }
    public required string Workload { get; init; }
    public required int Iterations { get; init; }
    public required IReadOnlyList<ProfileRow> Rows { get; init; }
    public required DevicePeak Peak { get; init; }
    /// <summary>Mean end-to-end times per iteration, ms, measured without the profiler attached.</summary>
    public required double ForwardMs { get; init; }
    public double? BackwardMs { get; init; }
    public double? OptimizerMs { get; init; }
    public required long PeakMemoryBytes { get; init; }
    /// <summary>
    /// Mean process CPU time per timed iteration, ms, all threads: on a machine shared with other work it grows far
    /// less than the wall clock, so it compares builds measured at different loads (with one thread, about the wall
    /// time a quiet machine gives).
    /// </summary>
    public double? CpuMs { get; init; }

    /// <summary>Kernel (Cpu: op) time over all profiled iterations, ms.</summary>
    public double TotalMs => Rows.Sum(r => r.TotalMs);
}

/// <summary>Aggregation of <see cref="ProfileSample"/>s and the JSON and Chrome-trace files of a profile.</summary>
public static class ProfileReport
{
    /// <summary>One row per (kernel, configuration, defines), sorted by total time, longest first.</summary>
    public static IReadOnlyList<ProfileRow> Aggregate(IEnumerable<ProfileSample> samples) =>
        samples.GroupBy(s => (s.Kernel, s.Config, s.Defines))
            .Select(g => new ProfileRow(g.First().Name, g.Key.Kernel, g.Key.Config, g.Key.Defines, g.Count(),
                g.Sum(s => s.DurationMs), g.Sum(s => s.Flops), g.Sum(s => s.Bytes)))
            .OrderByDescending(r => r.TotalMs)
            .ThenBy(r => r.Name, StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// <c>{"device", "total_ms", "kernels": [{"name", "calls", "total_ms", "gflops", "gbps", …}], …}</c>: totals over
    /// all profiled iterations; <c>forward_ms</c>/<c>backward_ms</c> are end-to-end means per iteration.
    /// </summary>
    public static JsonObject ToJson(ProfileSummary summary)
    {
        var kernels = new JsonArray([.. summary.Rows.Select(row => new JsonObject
        {
            ["name"] = row.Name,
            ["kernel"] = row.Kernel,
            ["config"] = row.Config,
            ["defines"] = row.Defines,
            ["calls"] = row.Calls,
            ["total_ms"] = Round(row.TotalMs),
            ["mean_us"] = Round(row.MeanUs),
            ["percent"] = Round(summary.TotalMs > 0 ? 100 * row.TotalMs / summary.TotalMs : 0),
            ["gflops"] = Round(row.Gflops),
            ["gbps"] = Round(row.Gbps),
            ["flops"] = row.Flops,
            ["bytes"] = row.Bytes,
            ["bound"] = row.Flops <= 0 && row.Bytes <= 0 ? null : row.IsComputeBound(summary.Peak) ? "compute" : "memory",
            ["percent_of_peak"] = row.PercentOfPeak(summary.Peak) is { } p ? Round(p) : null,
        })]);
        return new JsonObject
        {
            ["device"] = summary.Device,
            ["device_name"] = summary.DeviceName,
            ["workload"] = summary.Workload,
            ["iterations"] = summary.Iterations,
            ["total_ms"] = Round(summary.TotalMs),
            ["forward_ms"] = Round(summary.ForwardMs),
            ["backward_ms"] = summary.BackwardMs is { } b ? Round(b) : null,
            ["optimizer_ms"] = summary.OptimizerMs is { } o ? Round(o) : null,
            ["cpu_ms"] = summary.CpuMs is { } c ? Round(c) : null,
            ["peak_memory_bytes"] = summary.PeakMemoryBytes,
            ["peak"] = new JsonObject
            {
                ["gflops"] = Round(summary.Peak.Gflops),
                ["gbps"] = Round(summary.Peak.Gbps),
                ["ridge_flops_per_byte"] = Round(summary.Peak.Ridge),
                ["source"] = summary.Peak.Source,
            },
            ["kernels"] = kernels,
        };
    }

    public static void WriteJson(string path, ProfileSummary summary) =>
        File.WriteAllText(path, ToJson(summary).ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = Readable }));

    /// <summary>
    /// A Chrome trace (chrome://tracing, Perfetto): one complete ("X") event per launch on thread 2, with device
    /// timestamps in µs from the first launch, and one per phase run (forward, backward, …) on thread 1.
    /// </summary>
    public static JsonObject ToTrace(IReadOnlyList<ProfileSample> samples, string device)
    {
        var events = new JsonArray();
        double origin = samples.Count == 0 ? 0 : samples.Min(s => s.StartMs);
        double Us(double ms) => Math.Round((ms - origin) * 1000, 3);

        // Phase spans: consecutive samples of one phase, from the first start to the last end.
        for (int i = 0; i < samples.Count;)
        {
            int j = i;
            double start = samples[i].StartMs, end = samples[i].StartMs + samples[i].DurationMs;
            while (j + 1 < samples.Count && samples[j + 1].Phase == samples[i].Phase)
            {
                j++;
                start = Math.Min(start, samples[j].StartMs);
                end = Math.Max(end, samples[j].StartMs + samples[j].DurationMs);
            }
            if (samples[i].Phase.Length > 0)
                events.Add(Event(samples[i].Phase, "phase", Us(start), Math.Round((end - start) * 1000, 3), 1,
                    new JsonObject { ["launches"] = j - i + 1 }));
            i = j + 1;
        }
        foreach (var s in samples)
        {
            var args = new JsonObject
            {
                ["kernel"] = s.Kernel,
                ["config"] = s.Config,
                ["flops"] = s.Flops,
                ["bytes"] = s.Bytes,
                ["gflops"] = Round(s.DurationMs > 0 ? s.Flops / (s.DurationMs * 1e6) : 0),
                ["gbps"] = Round(s.DurationMs > 0 ? s.Bytes / (s.DurationMs * 1e6) : 0),
            };
            if (s.Defines.Length > 0)
                args["defines"] = s.Defines;
            if (s.Grid is not null)
                args["grid"] = s.Grid;
            events.Add(Event(s.Name, s.Phase.Length > 0 ? s.Phase : "kernel", Us(s.StartMs), Math.Round(s.DurationMs * 1000, 3), 2, args));
        }
        return new JsonObject
        {
            ["traceEvents"] = events,
            ["displayTimeUnit"] = "ms",
            ["otherData"] = new JsonObject { ["device"] = device, ["clock"] = "device timestamps, µs from the first launch" },
        };
    }

    public static void WriteTrace(string path, IReadOnlyList<ProfileSample> samples, string device) =>
        File.WriteAllText(path, ToTrace(samples, device).ToJsonString(new JsonSerializerOptions { Encoder = Readable }));

    // Names hold →, ×, ³: write them as they are (the files are UTF-8) rather than as \u escapes.
    private static readonly JavaScriptEncoder Readable = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    // JsonNode, not JsonObject: JsonArray.Add of a JsonObject binds to the generic Add<T>, which needs reflection
    // (a trimmed NativeAOT build warns IL2026/IL3050); a JsonNode takes the plain Add(JsonNode).
    private static JsonNode Event(string name, string category, double ts, double dur, int tid, JsonObject args) => new JsonObject
    {
        ["name"] = name,
        ["cat"] = category,
        ["ph"] = "X",
        ["ts"] = ts,
        ["dur"] = dur,
        ["pid"] = 1,
        ["tid"] = tid,
        ["args"] = args,
    };

    private static double Round(double v) => double.IsFinite(v) ? Math.Round(v, 4) : 0;
}
