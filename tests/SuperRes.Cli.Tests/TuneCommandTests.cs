using System.Text.Json;

namespace SuperRes.Cli.Tests;

/// <summary>
/// <c>superres tune</c>: a short tune on the OpenCL device writes the tuning database and the before/after JSON;
/// wrong devices and names are one-line errors. The database goes to a temporary SUPERRES_KERNEL_CACHE (CLI tests
/// run one at a time, so setting the variable here is safe).
/// </summary>
public sealed class TuneCommandTests(ITestOutputHelper log) : IDisposable
{
    private readonly string? _previousCache = Environment.GetEnvironmentVariable("SUPERRES_KERNEL_CACHE");
    private readonly string _directory = Directory.CreateTempSubdirectory("superres-tune-").FullName;

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("SUPERRES_KERNEL_CACHE", _previousCache);
        Directory.Delete(_directory, recursive: true);
    }

    [OpenClFact]
    public void A_short_tune_writes_the_database_and_the_before_and_after()
    {
        Environment.SetEnvironmentVariable("SUPERRES_KERNEL_CACHE", _directory);
        var json = Path.Combine(_directory, "tune.json");
        var run = CliRun.Logged(log, "tune", "--device", "opencl", "--ops", "conv2d_forward", "--budget-seconds", "5", "--json", json);

        run.AssertExit(0);
        Assert.Contains("3x3 64→64", run.Out);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var database = doc.RootElement.GetProperty("database").GetString()!;
        Assert.True(File.Exists(database), database);
        var cases = doc.RootElement.GetProperty("cases").EnumerateArray().ToList();
        Assert.NotEmpty(cases);
        Assert.All(cases, c => Assert.True(c.GetProperty("tuned_ms").GetDouble() <= c.GetProperty("default_ms").GetDouble()));
        using var stored = JsonDocument.Parse(File.ReadAllText(database));
        Assert.Equal(cases.Count, stored.RootElement.GetProperty("kernels").GetProperty("conv2d_forward").EnumerateObject().Count());
    }

    [Fact]
    public void The_cpu_device_has_nothing_to_tune()
    {
        var run = CliRun.Logged(log, "tune", "--device", "cpu", "--budget-seconds", "5");
        run.AssertExit(1);
        Assert.Contains("tune an opencl or cuda device", run.Err);
    }

    [Fact]
    public void An_unknown_kernel_is_named_with_the_known_ones()
    {
        var run = CliRun.Logged(log, "tune", "--device", "cpu", "--ops", "no_such_kernel");
        run.AssertExit(1);
        Assert.Contains("no tunable kernel 'no_such_kernel' (known: ", run.Err);
        foreach (var known in new[] { "conv2d_winograd", "conv2d_forward", "conv_transpose2d" })
            Assert.Contains(known, run.Err);
    }

    [Fact]
    public void A_budget_under_five_seconds_is_a_usage_error() =>
        CliRun.Logged(log, "tune", "--device", "cpu", "--budget-seconds", "1").AssertExit(2);
}
