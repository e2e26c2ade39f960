using System.Text.Json;
using SuperRes.Runtime.Cpu;
using SuperRes.Runtime.Profiling;

namespace SuperRes.Runtime.Tests;

/// <summary>The profiler: device-timed launches (OpenCL, CUDA when present), host-timed ops (Cpu), labels and costs from OpTimer scopes, the report files.</summary>
public sealed class ProfilerTests
{
    private static OpCost Cost(string name, string config, double flops, double bytes) => new(name, config, flops, bytes);

    [OpenClFact]
    public void OpenCL_launches_get_the_kernel_events_timestamps_and_the_scopes_labels()
    {
        using var device = TestDevices.RequireOpenCl();
        AssertKernelDeviceProfiles(device);
    }

    [CudaFact]
    public void CUDA_launches_are_timed_with_event_pairs()
    {
        using var device = TestDevices.RequireCuda();
        AssertKernelDeviceProfiles(device);
    }

    private static void AssertKernelDeviceProfiles(KernelDevice device)
    {
        const int n = 1 << 20;
        var copy = device.GetKernel("elementwise.cl", "copy");
        var fill = device.GetKernel("elementwise.cl", "fill");
        using var x = device.Upload(new float[n]);
        using var y = device.Allocate(n);
        device.Launch(copy, LaunchGrid.Linear(n), n, x, y); // outside a profiler: not recorded

        var samples = new List<ProfileSample>();
        using (var profiler = new Profiler(device))
        {
            Assert.Same(profiler, device.Profiler);
            profiler.Phase = "test";
            using (OpTimer.Start(n, static n => Cost("copy", $"n={n}", 0, OpCost.F32(2L * n))))
            {
                device.Launch(copy, LaunchGrid.Linear(n), n, x, y);
                device.Launch(copy, LaunchGrid.Linear(n), n, y, x); // a second launch of the op: label, no cost
                OpTimer.Next(n, static n => Cost("fill", "pass 2", 0, OpCost.F32(n)));
                device.Launch(fill, LaunchGrid.Linear(n), n, 1f, y);
            }
            device.Launch(fill, LaunchGrid.Linear(16), 16, 2f, y); // no scope: no label, no cost
            samples.AddRange(profiler.Collect());
        }
        Assert.Null(device.Profiler);

        Assert.Equal(4, samples.Count);
        Assert.All(samples, s => Assert.Equal("test", s.Phase));
        Assert.All(samples, s => Assert.True(s.DurationMs > 0, $"{s.Name}: {s.DurationMs} ms"));
        Assert.All(samples, s => Assert.NotNull(s.Grid));
        for (int i = 1; i < samples.Count; i++)
            Assert.True(samples[i].StartMs >= samples[i - 1].StartMs + samples[i - 1].DurationMs - 1e-3, "an in-order queue runs launches one after another");
        Assert.Equal(("copy", $"n={n}", 8.0 * n), (samples[0].Kernel, samples[0].Config, samples[0].Bytes));
        Assert.Equal(("copy", $"n={n}", 0.0), (samples[1].Kernel, samples[1].Config, samples[1].Bytes));
        Assert.Equal(("fill", "pass 2", 4.0 * n), (samples[2].Kernel, samples[2].Config, samples[2].Bytes));
        Assert.Equal(("fill", "", 0.0), (samples[3].Kernel, samples[3].Config, samples[3].Bytes));
        Assert.Equal($"copy n={n}", samples[0].Name);

        var rows = ProfileReport.Aggregate(samples);
        Assert.Equal(3, rows.Count);
        var copyRow = rows.Single(r => r.Kernel == "copy");
        Assert.Equal(2, copyRow.Calls);
        Assert.True(copyRow.Gbps > 0);
    }

    [Fact]
    public void Cpu_ops_are_timed_on_the_host_once_per_outermost_scope()
    {
        using var device = new CpuDevice();
        IReadOnlyList<ProfileSample> samples;
        using (var profiler = new Profiler(device))
        {
            Assert.False(profiler.TimesKernels);
            profiler.Phase = "forward";
            using (OpTimer.Start(0, static _ => Cost("outer", "a", 10, 40)))
            {
                using (OpTimer.Start(0, static _ => Cost("inner", "b", 1, 4)))
                    Thread.Sleep(5);
            }
            using (OpTimer.Start(0, static _ => Cost("second", "", 0, 0))) { }
            samples = profiler.Collect();
        }
        Assert.False(OpTimer.IsActive);

        Assert.Equal(["outer", "second"], samples.Select(s => s.Kernel));
        Assert.True(samples[0].DurationMs >= 4, $"{samples[0].DurationMs} ms");
        Assert.Equal((10.0, 40.0, "forward", "outer a"), (samples[0].Flops, samples[0].Bytes, samples[0].Phase, samples[0].Name));
        Assert.Null(samples[0].Grid);
    }

    [Fact]
    public void Without_a_profiler_a_scope_does_not_even_build_its_description()
    {
        Assert.False(OpTimer.IsActive);
        bool called = false;
        using (OpTimer.Start(0, _ => { called = true; return Cost("x", "", 0, 0); }))
            OpTimer.Next(0, _ => { called = true; return Cost("x", "", 0, 0); });
        Assert.False(called);
    }

    [Fact]
    public void Only_one_profiler_per_thread()
    {
        using var device = new CpuDevice();
        using var first = new Profiler(device);
        Assert.Throws<InvalidOperationException>(() => new Profiler(device));
    }

    [Fact]
    public void Rows_add_up_per_configuration_and_sit_on_the_right_side_of_the_ridge()
    {
        ProfileSample S(string kernel, string config, double ms, double flops, double bytes) =>
            new(kernel, config, "", "forward", 0, ms, flops, bytes, null);
        var rows = ProfileReport.Aggregate([
            S("conv", "3x3", 2, 2e9, 1e6),
            S("conv", "3x3", 2, 2e9, 1e6),
            S("copy", "n=1", 1, 0, 4e6),
            S("conv", "1x1", 0.5, 1e6, 1e6),
        ]);
        var peak = new DevicePeak(1000, 10, "given"); // ridge 100 FLOP/byte

        Assert.Equal(["conv 3x3", "copy n=1", "conv 1x1"], rows.Select(r => r.Name));
        var conv = rows[0];
        Assert.Equal((2, 4.0, 2000.0), (conv.Calls, conv.TotalMs, conv.MeanUs));
        Assert.Equal(1000, conv.Gflops, 6);          // 4e9 FLOP in 4 ms
        Assert.True(conv.IsComputeBound(peak));      // 2000 FLOP/byte
        Assert.Equal(100, conv.PercentOfPeak(peak)!.Value, 6);
        Assert.False(rows[1].IsComputeBound(peak));
        Assert.Equal(4, rows[1].Gbps, 6);            // 4e6 bytes in 1 ms
        Assert.Equal(40, rows[1].PercentOfPeak(peak)!.Value, 6);
        Assert.False(rows[2].IsComputeBound(peak));  // 1 FLOP/byte
    }

    [Fact]
    public void Report_json_and_chrome_trace_have_the_documented_fields()
    {
        var samples = new List<ProfileSample>
        {
            new("conv2d_forward", "3x3 8→8 16x16", "K=3", "forward", 1000.0, 0.5, 1e6, 1e4, "256x1x1/256x1x1"),
            new("relu", "n=2048", "", "forward", 1000.6, 0.1, 2048, 16384, "2048x1x1/256x1x1"),
            new("l1_backward", "n=2048", "", "backward", 1001.0, 0.2, 6144, 24580, "2048x1x1/256x1x1"),
        };
        var summary = new ProfileSummary
        {
            Device = "opencl:0",
            DeviceName = "test",
            Workload = "unit",
            Iterations = 1,
            Rows = ProfileReport.Aggregate(samples),
            Peak = new DevicePeak(100, 10, "given"),
            ForwardMs = 1,
            BackwardMs = 0.5,
            PeakMemoryBytes = 1234,
        };

        var json = JsonDocument.Parse(ProfileReport.ToJson(summary).ToJsonString()).RootElement;
        Assert.Equal("opencl:0", json.GetProperty("device").GetString());
        Assert.Equal(0.8, json.GetProperty("total_ms").GetDouble(), 6);
        var first = json.GetProperty("kernels")[0];
        foreach (var field in new[] { "name", "calls", "total_ms", "gflops", "gbps" })
            Assert.True(first.TryGetProperty(field, out _), field);
        Assert.Equal("conv2d_forward 3x3 8→8 16x16", first.GetProperty("name").GetString());
        Assert.Equal(2, first.GetProperty("gflops").GetDouble(), 6);

        var trace = JsonDocument.Parse(ProfileReport.ToTrace(samples, "opencl:0").ToJsonString()).RootElement;
        var events = trace.GetProperty("traceEvents").EnumerateArray().ToList();
        Assert.Equal(5, events.Count); // 3 launches + a forward and a backward phase span
        Assert.All(events, e => Assert.Equal("X", e.GetProperty("ph").GetString()));
        var phase = events.Single(e => e.GetProperty("name").GetString() == "forward");
        Assert.Equal((0.0, 700.0), (phase.GetProperty("ts").GetDouble(), phase.GetProperty("dur").GetDouble()));
        var backward = events.Single(e => e.GetProperty("name").GetString() == "l1_backward n=2048");
        Assert.Equal((1000.0, 200.0), (backward.GetProperty("ts").GetDouble(), backward.GetProperty("dur").GetDouble()));
        Assert.Equal("backward", backward.GetProperty("cat").GetString());
    }
}
