using System.Text.Json;
using SuperRes.Runtime;

namespace SuperRes.Cli.Tests;

/// <summary>
/// <c>superres profile</c> on a tiny EDSR (one block, 8 features) with the backward pass: the table, the JSON
/// and the Chrome trace. The calibration it runs is cached in a temporary SUPERRES_KERNEL_CACHE (CLI tests run
/// one at a time, so setting the variable here is safe).
/// </summary>
public sealed class ProfileCommandTests(ITestOutputHelper log) : IDisposable
{
    private readonly string? _previousCache = Environment.GetEnvironmentVariable("SUPERRES_KERNEL_CACHE");
    private readonly string _directory = Directory.CreateTempSubdirectory("superres-profile-").FullName;

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("SUPERRES_KERNEL_CACHE", _previousCache);
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void Profiles_a_tiny_edsr_on_the_cpu_device() => ProfilesTinyEdsr("cpu", calibrate: true);

    [OpenClFact]
    public void Profiles_a_tiny_edsr_on_the_opencl_device() => ProfilesTinyEdsr("opencl", calibrate: true);

    [Fact]
    public void Forward_only_with_given_peaks_needs_no_calibration()
    {
        var json = Path.Combine(_directory, "forward.json");
        var run = CliRun.Logged(log, "profile", "--model", "fsrcnn", "--scale", "3", "--options", "d=8,s=4,m=1", "--input", "1x1x12x12",
            "--device", "cpu", "--warmup", "0", "--iters", "1", "--peak", "100,10", "--json", json);

        run.AssertExit(0);
        Assert.DoesNotContain("calibrating", run.Out);
        Assert.Contains("conv_transpose2d_forward", run.Out);
        Assert.Contains("prelu", run.Out);
        Assert.Contains("forward (inference)", run.Out);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal(100, doc.RootElement.GetProperty("peak").GetProperty("gflops").GetDouble());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("backward_ms").ValueKind);
        Assert.DoesNotContain(doc.RootElement.GetProperty("kernels").EnumerateArray(), k => k.GetProperty("name").GetString()!.Contains("grad"));
    }

    [Theory]
    [InlineData("--input", "1x3x16")]
    [InlineData("--input", "1x3x0x16")]
    [InlineData("--peak", "fast")]
    [InlineData("--iters", "0")]
    public void Bad_arguments_are_usage_errors(string option, string value)
    {
        var args = new List<string> { "profile", "--model", "edsr-baseline", "--input", "1x3x16x16", "--device", "cpu" };
        int at = args.IndexOf(option);
        if (at >= 0)
            args[at + 1] = value;
        else
            args.AddRange([option, value]);
        var run = CliRun.Logged(log, [.. args]);

        run.AssertExit(2);
        Assert.Contains("error:", run.Err);
    }

    [Fact]
    public void An_input_the_network_cannot_take_is_an_error_line()
    {
        var run = CliRun.Of("profile", "--model", "edsr-baseline", "--options", "blocks=1,features=8", "--input", "1x5x16x16",
            "--device", "cpu", "--peak", "100,10", "--warmup", "0", "--iters", "1");

        run.AssertExit(1);
        Assert.StartsWith("error:", run.Err);
        Assert.Contains("cannot take an input", run.Err);
    }

    private void ProfilesTinyEdsr(string device, bool calibrate)
    {
        Environment.SetEnvironmentVariable("SUPERRES_KERNEL_CACHE", _directory);
        var json = Path.Combine(_directory, "profile.json");
        var trace = Path.Combine(_directory, "trace.json");
        string[] peak = calibrate ? [] : ["--peak", "100,10"];
        var run = CliRun.Logged(log, ["profile", "--model", "edsr-baseline", "--options", "blocks=1,features=8", "--input", "1x3x16x16", "--backward", "--adam",
            "--device", device, "--warmup", "1", "--iters", "2", "--json", json, "--trace", trace, .. peak]);

        run.AssertExit(0);
        Assert.Contains("conv2d_forward 3x3 3→8 16x16", run.Out);
        Assert.Contains("conv2d_weight_grad", run.Out);
        Assert.Contains("l1_backward", run.Out);
        Assert.Contains("forward + L1 loss + backward + Adam", run.Out);
        Assert.Contains("GFLOP/s", run.Out);
        Assert.Contains("device memory high-water mark", run.Out);
        if (calibrate)
            Assert.Single(Directory.GetFiles(Path.Combine(_directory, "peaks"), "*.json"));

        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        Assert.StartsWith(device, root.GetProperty("device").GetString());
        Assert.True(root.GetProperty("total_ms").GetDouble() > 0);
        Assert.True(root.GetProperty("forward_ms").GetDouble() > 0);
        Assert.True(root.GetProperty("backward_ms").GetDouble() > 0);
        Assert.True(root.GetProperty("optimizer_ms").GetDouble() > 0);
        Assert.True(root.GetProperty("peak_memory_bytes").GetInt64() > 0);
        Assert.True(root.GetProperty("peak").GetProperty("gflops").GetDouble() > 0);
        var kernels = root.GetProperty("kernels").EnumerateArray().ToList();
        Assert.NotEmpty(kernels);
        Assert.Contains(kernels, k => k.GetProperty("name").GetString()!.StartsWith("conv2d_forward", StringComparison.Ordinal));
        Assert.Contains(kernels, k => k.GetProperty("name").GetString()!.StartsWith("adam", StringComparison.Ordinal));
        foreach (var k in kernels)
        {
            Assert.False(string.IsNullOrEmpty(k.GetProperty("name").GetString()));
            Assert.True(k.GetProperty("calls").GetInt32() > 0);
            Assert.True(k.GetProperty("total_ms").GetDouble() >= 0);
            Assert.True(k.GetProperty("gflops").GetDouble() >= 0);
            Assert.True(k.GetProperty("gbps").GetDouble() >= 0);
        }
        double sum = kernels.Sum(k => k.GetProperty("total_ms").GetDouble());
        Assert.InRange(sum, root.GetProperty("total_ms").GetDouble() * 0.99, root.GetProperty("total_ms").GetDouble() * 1.01 + 0.01);
        // Training convs run fused with their epilogue (+relu, +residual), one row per variant.
        var convs = kernels.Where(k => k.GetProperty("name").GetString()!.StartsWith("conv2d_forward 3x3 8→8", StringComparison.Ordinal)).ToList();
        // 2 iterations × (1 block × 2 convs + the body's last conv) = 6 launches; 2·Cout·H·W·Cin·9 FLOPs each.
        Assert.Equal(6, convs.Sum(k => k.GetProperty("calls").GetInt32()));
        Assert.Equal(6 * 2.0 * 8 * 16 * 16 * 8 * 9, convs.Sum(k => k.GetProperty("flops").GetDouble()));

        AssertValidChromeTrace(trace);
    }

    /// <summary>The structure chrome://tracing and Perfetto need: a traceEvents array of complete events.</summary>
    private static void AssertValidChromeTrace(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var events = doc.RootElement.GetProperty("traceEvents").EnumerateArray().ToList();
        Assert.NotEmpty(events);
        foreach (var e in events)
        {
            Assert.Equal(JsonValueKind.String, e.GetProperty("name").ValueKind);
            Assert.Equal(JsonValueKind.String, e.GetProperty("cat").ValueKind);
            Assert.Equal("X", e.GetProperty("ph").GetString());
            Assert.True(e.GetProperty("ts").GetDouble() >= 0);
            Assert.True(e.GetProperty("dur").GetDouble() >= 0);
            Assert.Equal(JsonValueKind.Number, e.GetProperty("pid").ValueKind);
            Assert.Equal(JsonValueKind.Number, e.GetProperty("tid").ValueKind);
            Assert.Equal(JsonValueKind.Object, e.GetProperty("args").ValueKind);
        }
        Assert.Contains(events, e => e.GetProperty("cat").GetString() == "phase" && e.GetProperty("name").GetString() == "forward");
        Assert.Contains(events, e => e.GetProperty("cat").GetString() == "backward");
        Assert.Contains(events, e => e.GetProperty("name").GetString()!.StartsWith("conv2d_forward", StringComparison.Ordinal));
    }
}
