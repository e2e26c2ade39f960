using SuperRes.Runtime;

namespace SuperRes.Cli.Tests;

public class DoctorCommandTests(ITestOutputHelper log)
{
    [Fact]
    public void Passes_on_the_cpu_device()
    {
        var run = CliRun.Logged(log, "doctor", "--device", "cpu", "--seed", "1");

        run.AssertExit(0);
        Assert.Contains("seed: 1", run.Out);
        Assert.Contains("PASS", run.Out);
        Assert.DoesNotContain("FAIL", run.Out);
        Assert.Contains("note:", run.Out);
    }

    [OpenClFact]
    public void Passes_on_the_opencl_device()
    {
        var run = CliRun.Logged(log, "doctor", "--device", "opencl");

        run.AssertExit(0);
        Assert.Contains("kernel builds", run.Out);
        Assert.DoesNotContain("FAIL", run.Out);
    }

    [Fact]
    public void Unknown_device_fails_and_lists_the_real_ids()
    {
        var run = CliRun.Of("doctor", "--device", "nosuch");

        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.StartsWith("error:", run.Err);
        Assert.Contains("nosuch", run.Err);
        foreach (var device in Devices.Discover().Devices)
            Assert.True(run.Err.Contains(device.Id, StringComparison.Ordinal), $"{device.Id} missing\n{run}");
    }

    [Theory]
    [InlineData("--cases", "0")]
    [InlineData("--max-memory", "lots")]
    [InlineData("--no-such-option")]
    public void Bad_arguments_are_usage_errors(params string[] args)
    {
        var run = CliRun.Of(["doctor", .. args]);

        run.AssertExit(2);
        Assert.Contains("error:", run.Err);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public void Max_memory_is_applied_to_the_device()
    {
        // 1 KiB cannot hold the checks' buffers: the run must fail, proving the cap reached the device.
        var run = CliRun.Of("doctor", "--device", "cpu", "--max-memory", "1KiB", "--cases", "1", "--seed", "1");

        run.AssertExit(1);
        Assert.Contains("out of memory", run.Out + run.Err);
    }
}
