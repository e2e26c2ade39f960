using System.Diagnostics;
using SuperRes.Runtime.Tuning;

namespace SuperRes.Tensors.Tuning;

/// <summary>The outcome of one case: the shipped default and the fastest correct configuration found.</summary>
public sealed record TunedCase(string Kernel, TuningCase Case, KernelDefines Default, double DefaultMs, KernelDefines Best, double BestMs,
    double Flops, int Tried, int Rejected)
{
    public double Speedup => DefaultMs / BestMs;
}

/// <summary>One step of a tune, for progress displays.</summary>
public sealed record TuneStep(string Kernel, TuningCase Case, KernelDefines Parameters, double? Milliseconds, string? Rejected);

/// <summary>What a tune found, and the build options it settled on.</summary>
public sealed record TuneReport(IReadOnlyList<TunedCase> Cases, string BuildOptions, string? BuildOptionsNote, bool Interrupted, string? DatabasePath);

/// <summary>
/// Searches each tunable kernel's parameters on one device, case by case (the zoo's shapes), and keeps the fastest
/// configuration whose output stays within <see cref="Tolerance"/> of the Cpu reference. The search starts at the
/// shipped default (or the database's current entry) and changes one parameter at a time, keeping any change that
/// is faster, until a pass changes nothing or the case's share of the budget is spent. After each case the
/// database is written (atomically), so an interrupted tune keeps everything finished so far.
/// </summary>
public sealed class KernelTuner(KernelDevice device, Device reference)
{
    /// <summary>Largest error relative to the output's largest value that a configuration may have.</summary>
    public const double Tolerance = 1e-4;

    /// <summary>Timed runs per configuration (the fastest counts); a run slower than <see cref="GiveUpFactor"/>× the best so far ends it early.</summary>
    private const int Repeats = 3;
    private const double GiveUpFactor = 2.5;

    /// <summary>A candidate replaces the best so far only when it is at least 3% faster, confirmed by a second timing of both.</summary>
    private const double Margin = 0.97;

    /// <summary>OpenCL build options tried after the kernels, each kept only if it is faster and every tuned case stays within tolerance.</summary>
    private static readonly string[] OpenClOptions = ["-cl-mad-enable"];

    /// <summary>How many of the slowest tuned cases judge a build option.</summary>
    private const int OptionCases = 3;

    /// <summary>An option is kept only when it is at least 5% faster.</summary>
    private const double OptionMargin = 0.95;

    /// <summary>Share of the budget kept for trying build options.</summary>
    private const double OptionsShare = 0.15;

    public Action<TuneStep>? Progress { get; init; }

    /// <summary>Called when a case is finished and stored in the database.</summary>
    public Action<TunedCase>? CaseDone { get; init; }

    public TuneReport Run(IReadOnlyList<TunableKernel> kernels, TimeSpan budget, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var db = device.Tuning;
        var results = new List<TunedCase>();
        var work = kernels.SelectMany(k => k.Cases.DistinctBy(c => c.ShapeClass).Select(c => (Kernel: k, Case: c))).ToList();
        bool tryOptions = device.Info.Backend == BackendKind.OpenCL;
        var kernelBudget = tryOptions ? budget * (1 - OptionsShare) : budget;
        for (int i = 0; i < work.Count && !cancel.IsCancellationRequested; i++)
        {
            var share = (kernelBudget - clock.Elapsed) / (work.Count - i);
            var (kernel, c) = work[i];
            var result = TuneCase(kernel, c, clock.Elapsed + share, clock, cancel);
            results.Add(result);
            db.Set(kernel.Name, c.ShapeClass, new TunedEntry(result.Best, c.Label, result.BestMs, result.DefaultMs));
            db.Save();
            CaseDone?.Invoke(result);
        }
        string? note = null;
        if (tryOptions && !cancel.IsCancellationRequested && results.Count > 0)
            note = ChooseOptions(kernels, results, budget, clock, cancel);
        return new TuneReport(results, db.BuildOptions, note, cancel.IsCancellationRequested, db.Path);
    }

    private TunedCase TuneCase(TunableKernel kernel, TuningCase c, TimeSpan deadline, Stopwatch clock, CancellationToken cancel)
    {
        using var trial = kernel.Prepare(device, reference, c);
        var fallback = kernel.Default(device, c);
        double defaultMs = Measure(kernel, c, trial, fallback, double.PositiveInfinity, out string? problem);
        if (problem is not null)
            throw new SuperResException($"{kernel.Name} {c.Label}: the shipped default [{fallback}] fails on {device.Info.Id}: {problem}");
        var best = fallback;
        double bestMs = defaultMs;
        int tried = 1, rejected = 0;
        var seen = new HashSet<KernelDefines> { fallback };

        // The database's current entry is a good start when a tune is repeated.
        var candidates = new Queue<KernelDefines>();
        if (device.Tuning.Find(kernel.Name, c.ShapeClass) is { } previous && kernel.Illegal(device, c, previous.Parameters) is null)
            candidates.Enqueue(previous.Parameters);
        bool improved = true;
        while (!cancel.IsCancellationRequested && clock.Elapsed < deadline)
        {
            if (candidates.Count == 0)
            {
                if (!improved)
                    break;
                improved = false;
                foreach (var neighbour in Neighbours(kernel, best))
                    candidates.Enqueue(neighbour);
                continue;
            }
            var config = candidates.Dequeue();
            if (!seen.Add(config) || kernel.Illegal(device, c, config) is not null)
                continue;
            tried++;
            double ms = Measure(kernel, c, trial, config, bestMs, out problem);
            if (problem is not null)
                rejected++;
            else if (ms < Margin * bestMs)
            {
                // Other processes make single timings noisy: time both again, alternately, before switching.
                double incumbent = Math.Min(bestMs, Time(trial, best, double.PositiveInfinity));
                ms = Math.Min(ms, Time(trial, config, double.PositiveInfinity));
                if (best.Equals(fallback))
                    defaultMs = Math.Min(defaultMs, incumbent); // the re-timed default is the default's time too: before/after stay comparable
                if (ms < Margin * incumbent)
                    (best, bestMs, improved) = (config, ms, true);
                else
                    bestMs = incumbent;
            }
        }
        return new TunedCase(kernel.Name, c, fallback, defaultMs, best, bestMs, trial.Flops, tried, rejected);
    }

    /// <summary>Every configuration that differs from <paramref name="center"/> in one parameter.</summary>
    private static IEnumerable<KernelDefines> Neighbours(TunableKernel kernel, KernelDefines center) =>
        kernel.Space.Parameters.SelectMany(p => p.Values.Select(v => center.With(p.Name, v)));

    /// <summary>Checks one configuration against the reference, then times it; +∞ and a reason when it fails.</summary>
    private double Measure(TunableKernel kernel, TuningCase c, ITuningTrial trial, KernelDefines config, double bestMs, out string? problem)
    {
        problem = null;
        double best = double.PositiveInfinity;
        try
        {
            double error = trial.Check(config); // builds the program (or loads it from the disk cache) and warms up
            if (!(error <= Tolerance))
                problem = $"error {error:G3} over the tolerance {Tolerance:G1}";
            else
                best = Time(trial, config, bestMs);
        }
        catch (Exception e) when (e is KernelBuildException or SuperResException or NotSupportedException or ArgumentException)
        {
            problem = e.Message.Split('\n')[0];
        }
        Progress?.Invoke(new TuneStep(kernel.Name, c, config, problem is null ? best : null, problem));
        return problem is null ? best : double.PositiveInfinity;
    }

    /// <summary>The fastest of <see cref="Repeats"/> runs, fewer when one is <see cref="GiveUpFactor"/>× slower than <paramref name="bestMs"/>.</summary>
    private double Time(ITuningTrial trial, KernelDefines config, double bestMs)
    {
        double best = double.PositiveInfinity;
        for (int r = 0; r < Repeats && (r == 0 || best <= GiveUpFactor * bestMs); r++)
        {
            var watch = Stopwatch.StartNew();
            trial.Run(config);
            device.Synchronize();
            best = Math.Min(best, watch.Elapsed.TotalMilliseconds);
        }
        return best;
    }

    /// <summary>
    /// Tries each extra build option with the best configurations of the <see cref="OptionCases"/> slowest cases (each
    /// option rebuilds every program, which costs seconds on PoCL), timing them with and without the option, twice,
    /// alternately; keeps the option when the faster of its two sums beats the faster without it by
    /// <see cref="OptionMargin"/> and every result stays within tolerance. Returns what was decided, for the report.
    /// </summary>
    private string ChooseOptions(IReadOnlyList<TunableKernel> kernels, List<TunedCase> tuned, TimeSpan budget, Stopwatch clock, CancellationToken cancel)
    {
        var notes = new List<string>();
        var results = tuned.OrderByDescending(r => r.BestMs).Take(OptionCases).ToList();
        string baseline = device.ExtraBuildOptions;
        foreach (var option in OpenClOptions.Where(o => !baseline.Contains(o, StringComparison.Ordinal)))
        {
            string candidate = (baseline + " " + option).Trim();
            double with = double.PositiveInfinity, without = double.PositiveInfinity;
            string? failure = null;
            for (int round = 0; round < 2 && failure is null; round++)
            {
                without = Math.Min(without, SumOfBest(kernels, results, baseline, budget, clock, cancel, out failure));
                if (failure is null)
                    with = Math.Min(with, SumOfBest(kernels, results, candidate, budget, clock, cancel, out failure));
            }
            bool keep = failure is null && with < OptionMargin * without;
            notes.Add(failure is not null ? $"{option}: not kept ({failure})"
                : $"{option}: {with:F1} ms against {without:F1} ms without it over the {results.Count} slowest cases, {(keep ? "kept" : "not kept")}");
            if (keep)
                baseline = candidate;
        }
        device.ExtraBuildOptions = baseline;
        device.Tuning.BuildOptions = baseline;
        device.Tuning.Save();
        return string.Join("; ", notes);
    }

    /// <summary>The summed time of each case's best configuration built with <paramref name="options"/>; a problem (error, time out) instead.</summary>
    private double SumOfBest(IReadOnlyList<TunableKernel> kernels, List<TunedCase> results, string options, TimeSpan budget, Stopwatch clock,
        CancellationToken cancel, out string? failure)
    {
        device.ExtraBuildOptions = options;
        double total = 0;
        foreach (var r in results)
        {
            if (cancel.IsCancellationRequested || clock.Elapsed > budget)
            {
                failure = "out of time before every case was measured";
                return double.PositiveInfinity;
            }
            var kernel = kernels.First(k => k.Name == r.Kernel);
            using var trial = kernel.Prepare(device, reference, r.Case);
            total += Measure(kernel, r.Case, trial, r.Best, double.PositiveInfinity, out failure);
            if (failure is not null)
            {
                failure = $"{r.Case.Label}: {failure}";
                return double.PositiveInfinity;
            }
        }
        failure = null;
        return total;
    }
}
