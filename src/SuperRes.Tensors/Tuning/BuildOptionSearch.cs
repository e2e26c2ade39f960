namespace SuperRes.Tensors.Tuning;

/// <summary>What the tuner measured for one extra build option, and whether it kept it.</summary>
/// <param name="WithMs">Summed time of the judging cases built with the option (null when not measured to the end).</param>
/// <param name="WithoutMs">The same without it.</param>
/// <param name="Cases">The judging cases, as <c>kernel shape</c>.</param>
/// <param name="Failure">Why it was not measured to the end (an error over the tolerance, out of time), or null.</param>
public sealed record BuildOptionDecision(string Option, bool Kept, double? WithMs, double? WithoutMs, IReadOnlyList<string> Cases, string? Failure)
{
    /// <summary>Time with the option over time without it (below 1: faster with it).</summary>
    public double? Ratio => WithMs / WithoutMs;

    public override string ToString() => Failure is not null
        ? $"{Option}: not kept ({Failure})"
        : $"{Option}: {WithMs:F1} ms against {WithoutMs:F1} ms without it ({Ratio:F3}×) on {string.Join(", ", Cases)}: {(Kept ? "kept" : "not kept")}";
}

/// <summary>
/// How the tuner judges extra OpenCL build options: which tuned cases it times them on, and the share of the budget
/// kept for it. Each option rebuilds the judging programs (seconds each on PoCL), so the cases are few and cheap.
/// </summary>
public static class BuildOptionSearch
{
    /// <summary>OpenCL build options tried after the kernels, each kept only if it is faster and every judging case stays within tolerance.</summary>
    public static readonly IReadOnlyList<string> OpenClOptions = ["-cl-mad-enable"];

    /// <summary>The heaviest kernels of a network's forward pass: the options are judged on them.</summary>
    public static readonly IReadOnlyList<string> JudgingKernels = ["conv2d_winograd", "conv2d_forward"];

    /// <summary>Share of the budget reserved for the options step; the kernels share the rest.</summary>
    public const double Share = 0.15;

    /// <summary>A case faster than this is mostly launch overhead and timer noise, too little to judge an option by.</summary>
    public const double MinimumJudgingMs = 2;

    /// <summary>The kernels' share and the options step's share of <paramref name="budget"/> (all of it to the kernels without options to try).</summary>
    public static (TimeSpan Kernels, TimeSpan Options) Split(TimeSpan budget, bool tryOptions) =>
        tryOptions ? (budget * (1 - Share), budget * Share) : (budget, TimeSpan.Zero);

    /// <summary>
    /// For each of <see cref="JudgingKernels"/> that was tuned, its cheapest case of at least <see cref="MinimumJudgingMs"/>
    /// (its slowest when none is that slow); when none of them was tuned, the cheapest such case of all.
    /// </summary>
    public static IReadOnlyList<TunedCase> Judges(IReadOnlyList<TunedCase> tuned)
    {
        var judges = JudgingKernels.Select(k => Cheapest(tuned.Where(t => t.Kernel == k).ToList())).OfType<TunedCase>().ToList();
        return judges.Count > 0 || Cheapest(tuned) is not { } any ? judges : [any];
    }

    private static TunedCase? Cheapest(IReadOnlyList<TunedCase> cases) =>
        cases.Where(c => c.BestMs >= MinimumJudgingMs).MinBy(c => c.BestMs) ?? cases.MaxBy(c => c.BestMs);
}
