using SuperRes.Runtime.Profiling;

namespace SuperRes.Runtime.Tests;

/// <summary>The exact text of the profile report and Chrome trace files: names, order, rounding, nulls and escaping.</summary>
public sealed class ProfileReportTextTests
{
    private static readonly List<ProfileSample> Samples =
    [
        new("conv2d_forward", "3x3 8→8 16x16", "K=3", "forward", 1000.0, 0.5, 1e6, 1e4, "256x1x1/256x1x1"),
        new("relu", "n=2048", "", "forward", 1000.6, 0.1, 2048, 16384, null),
        new("copy", "", "", "", 1000.8, 1.0 / 3, 0, 0, null),
        new("l1_backward", "n=2048", "", "backward", 1001.0, 0.2, 6144, 24580, "2048x1x1/256x1x1"),
    ];

    private static ProfileSummary Summary() => new()
    {
        Device = "opencl:0",
        DeviceName = "pthread-cpu “test”",
        Workload = "fsrcnn x2 1x1x16x16",
        Iterations = 2,
        Rows = ProfileReport.Aggregate(Samples),
        Peak = new DevicePeak(100, 10, "given"),
        ForwardMs = 1.23456789,
        BackwardMs = 0.5,
        CpuMs = 2.0 / 3,
        PeakMemoryBytes = 1234567,
    };

    [Fact]
    public void Report_file_is_indented_with_rounded_figures_and_nulls_for_what_was_not_measured()
    {
        using var dir = new TempDir("profile-json");
        ProfileReport.WriteJson(dir.File("profile.json"), Summary());
        Assert.Equal("""
        {
          "device": "opencl:0",
          "device_name": "pthread-cpu “test”",
          "workload": "fsrcnn x2 1x1x16x16",
          "iterations": 2,
          "total_ms": 1.1333,
          "forward_ms": 1.2346,
          "backward_ms": 0.5,
          "optimizer_ms": null,
          "cpu_ms": 0.6667,
          "peak_memory_bytes": 1234567,
          "peak": {
            "gflops": 100,
            "gbps": 10,
            "ridge_flops_per_byte": 10,
            "source": "given"
          },
          "kernels": [
            {
              "name": "conv2d_forward 3x3 8→8 16x16",
              "kernel": "conv2d_forward",
              "config": "3x3 8→8 16x16",
              "defines": "K=3",
              "calls": 1,
              "total_ms": 0.5,
              "mean_us": 500,
              "percent": 44.1176,
              "gflops": 2,
              "gbps": 0.02,
              "flops": 1000000,
              "bytes": 10000,
              "bound": "compute",
              "percent_of_peak": 2
            },
            {
              "name": "copy",
              "kernel": "copy",
              "config": "",
              "defines": "",
              "calls": 1,
              "total_ms": 0.3333,
              "mean_us": 333.3333,
              "percent": 29.4118,
              "gflops": 0,
              "gbps": 0,
              "flops": 0,
              "bytes": 0,
              "bound": null,
              "percent_of_peak": null
            },
            {
              "name": "l1_backward n=2048",
              "kernel": "l1_backward",
              "config": "n=2048",
              "defines": "",
              "calls": 1,
              "total_ms": 0.2,
              "mean_us": 200,
              "percent": 17.6471,
              "gflops": 0.0307,
              "gbps": 0.1229,
              "flops": 6144,
              "bytes": 24580,
              "bound": "memory",
              "percent_of_peak": 1.229
            },
            {
              "name": "relu n=2048",
              "kernel": "relu",
              "config": "n=2048",
              "defines": "",
              "calls": 1,
              "total_ms": 0.1,
              "mean_us": 100,
              "percent": 8.8235,
              "gflops": 0.0205,
              "gbps": 0.1638,
              "flops": 2048,
              "bytes": 16384,
              "bound": "memory",
              "percent_of_peak": 1.6384
            }
          ]
        }
        """.ReplaceLineEndings(), File.ReadAllText(dir.File("profile.json")));
    }

    [Fact]
    public void Trace_file_is_one_line_with_the_phase_spans_first()
    {
        using var dir = new TempDir("profile-trace");
        ProfileReport.WriteTrace(dir.File("trace.json"), Samples, "opencl:0");
        Assert.Equal("""{"traceEvents":[{"name":"forward","cat":"phase","ph":"X","ts":0,"dur":700,"pid":1,"tid":1,"args":{"launches":2}},{"name":"backward","cat":"phase","ph":"X","ts":1000,"dur":200,"pid":1,"tid":1,"args":{"launches":1}},{"name":"conv2d_forward 3x3 8→8 16x16","cat":"forward","ph":"X","ts":0,"dur":500,"pid":1,"tid":2,"args":{"kernel":"conv2d_forward","config":"3x3 8→8 16x16","flops":1000000,"bytes":10000,"gflops":2,"gbps":0.02,"defines":"K=3","grid":"256x1x1/256x1x1"}},{"name":"relu n=2048","cat":"forward","ph":"X","ts":600,"dur":100,"pid":1,"tid":2,"args":{"kernel":"relu","config":"n=2048","flops":2048,"bytes":16384,"gflops":0.0205,"gbps":0.1638}},{"name":"copy","cat":"kernel","ph":"X","ts":800,"dur":333.333,"pid":1,"tid":2,"args":{"kernel":"copy","config":"","flops":0,"bytes":0,"gflops":0,"gbps":0}},{"name":"l1_backward n=2048","cat":"backward","ph":"X","ts":1000,"dur":200,"pid":1,"tid":2,"args":{"kernel":"l1_backward","config":"n=2048","flops":6144,"bytes":24580,"gflops":0.0307,"gbps":0.1229,"grid":"2048x1x1/256x1x1"}}],"displayTimeUnit":"ms","otherData":{"device":"opencl:0","clock":"device timestamps, µs from the first launch"}}""", File.ReadAllText(dir.File("trace.json")));
    }
}
