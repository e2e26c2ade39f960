using System.Text.Json;
using SuperRes.Runtime;

namespace SuperRes.Cli.Tests;

public class DevicesCommandTests
{
    [Fact]
    public void Lists_the_cpu_device_and_every_discovered_device()
    {
        var run = CliRun.Of("devices");

        run.AssertExit(0);
        Assert.Contains("C# reference", run.Out);
        foreach (var device in Devices.Discover().Devices)
            Assert.True(run.Out.Contains(device.Id, StringComparison.Ordinal), $"{device.Id} missing\n{run}");
        foreach (var problem in Devices.Discover().Problems)
            Assert.True(run.Out.Contains(problem.Reason, StringComparison.Ordinal), $"problem '{problem.Reason}' missing\n{run}");
    }

    [Fact]
    public void Json_lists_cpu_and_on_ci_the_pocl_opencl_device()
    {
        var run = CliRun.Of("devices", "--json");

        run.AssertExit(0);
        using var json = JsonDocument.Parse(run.Out);
        var ids = json.RootElement.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("id").GetString()).ToList();
        Assert.Contains("cpu", ids);
        if (TestDevices.OnCi)
            Assert.True(ids.Any(id => id!.StartsWith("opencl:", StringComparison.Ordinal)), $"CI installs PoCL, but no OpenCL device was listed\n{run}");
    }

    [OpenClFact]
    public void Lists_the_opencl_device()
    {
        var run = CliRun.Of("devices");

        run.AssertExit(0);
        Assert.Contains("opencl:0", run.Out);
    }
}
