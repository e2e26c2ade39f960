using SuperRes.Tensors.Tuning;

namespace SuperRes.Tensors.Tests;

/// <summary>
/// The tuner's build-options step: the share of the budget kept for it, and the few cheap cases that judge an option
/// (the default tune's slowest cases took longer than the whole share, so no option was ever decided).
/// </summary>
public sealed class BuildOptionTuningTests
{
    private static TunedCase Tuned(string kernel, string label, double bestMs) =>
        new(kernel, new TuningCase(label, label, label), KernelDefines.None, bestMs, KernelDefines.None, bestMs, 1e9, 1, 0);

    [Fact]
    public void The_options_step_has_its_own_share_of_the_budget_only_when_there_are_options_to_try()
    {
        var (kernels, options) = BuildOptionSearch.Split(TimeSpan.FromSeconds(240), tryOptions: true);
        Assert.Equal(TimeSpan.FromSeconds(36), options);
        Assert.Equal(TimeSpan.FromSeconds(204), kernels);
        Assert.Equal((TimeSpan.FromSeconds(240), TimeSpan.Zero), BuildOptionSearch.Split(TimeSpan.FromSeconds(240), tryOptions: false));
    }

    [Fact]
    public void Options_are_judged_on_the_cheapest_measurable_case_of_each_heavy_kernel()
    {
        var tuned = new[]
        {
            Tuned("conv2d_winograd", "64→256", 6.7), Tuned("conv2d_winograd", "64→64", 2.2), Tuned("conv2d_winograd", "tiny", 0.5),
            Tuned("conv2d_forward", "1→64", 40), Tuned("conv2d_forward", "64→64", 25),
            Tuned("linear", "dense", 600), Tuned("conv2d_backward", "64→256", 1700),
        };
        var judges = BuildOptionSearch.Judges(tuned);
        Assert.Equal(["conv2d_winograd 64→64", "conv2d_forward 64→64"], judges.Select(j => $"{j.Kernel} {j.Case.Label}"));
    }

    [Fact]
    public void A_heavy_kernel_with_only_tiny_cases_is_judged_on_its_slowest()
    {
        var judges = BuildOptionSearch.Judges([Tuned("conv2d_forward", "a", 0.3), Tuned("conv2d_forward", "b", 1.1), Tuned("reduce", "r", 9)]);
        Assert.Equal("b", Assert.Single(judges).Case.Label);
    }

    [Fact]
    public void Without_a_heavy_kernel_the_cheapest_measurable_case_of_all_judges()
    {
        var judges = BuildOptionSearch.Judges([Tuned("linear", "dense", 600), Tuned("reduce", "small", 0.4), Tuned("reduce", "large", 12)]);
        Assert.Equal("large", Assert.Single(judges).Case.Label);
        Assert.Empty(BuildOptionSearch.Judges([]));
    }

    [Fact]
    public void A_decision_reads_its_ratio_and_verdict()
    {
        var kept = new BuildOptionDecision("-cl-mad-enable", true, 9.0, 10.0, ["conv2d_forward 64→64"], null);
        Assert.Equal(0.9, kept.Ratio!.Value, 6);
        Assert.Equal("-cl-mad-enable: 9.0 ms against 10.0 ms without it (0.900×) on conv2d_forward 64→64: kept", kept.ToString());
        var failed = new BuildOptionDecision("-cl-mad-enable", false, null, null, ["x"], "x: error 1E-02 over the tolerance 1E-04");
        Assert.Null(failed.Ratio);
        Assert.Equal("-cl-mad-enable: not kept (x: error 1E-02 over the tolerance 1E-04)", failed.ToString());
    }
}
