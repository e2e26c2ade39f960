using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Spectre.Console;
using SuperRes.Models.Networks;
using SuperRes.Runtime.Profiling;
using SuperRes.Tensors;

namespace SuperRes.Cli.Commands;

/// <summary>
/// <c>superres profile</c>: runs a network (random weights, random input) forward, and with <c>--backward</c> an L1
/// loss and the backward pass, and times every kernel launch on the device (OpenCL kernel events, CUDA event
/// pairs; on the Cpu device every primitive op with the host clock). Prints a table per kernel configuration
/// with its roofline position, the end-to-end times and the device-memory high-water mark.
/// </summary>
internal static class ProfileCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Option<string>("--model", "-m") { Description = "Network name (see `superres models`)", Required = true };
        var scale = new Option<int?>("--scale", "-s") { Description = "Upscaling factor [default: the model's first]" };
        var input = new Option<int[]>("--input")
        {
            Description = "Input shape NxCxHxW, e.g. 1x3x128x128 (random values)",
            HelpName = "NxCxHxW",
            Required = true,
            CustomParser = ParseShape,
        };
        var backward = new Option<bool>("--backward") { Description = "Also run an L1 loss against a random target and the backward pass" };
        var adam = new Option<bool>("--adam") { Description = "With --backward: also an Adam update of every parameter (lr 1e-4): a whole training step" };
        var warmup = new Option<int>("--warmup") { Description = "Untimed iterations first (kernel builds, pool warm-up)", DefaultValueFactory = _ => 2 };
        var iters = new Option<int>("--iters") { Description = "Timed iterations (run once for the end-to-end times, once under the profiler)", DefaultValueFactory = _ => 5 };
        var json = new Option<string?>("--json") { Description = "Write {device, total_ms, kernels: [{name, calls, total_ms, gflops, gbps, …}], …} to this file", HelpName = "file" };
        var trace = new Option<string?>("--trace") { Description = "Write a Chrome trace (chrome://tracing, Perfetto) of the profiled launches", HelpName = "file" };
        var peak = new Option<DevicePeak?>("--peak")
        {
            Description = "The device's peaks as GFLOPS,GBPS [default: calibrated on the device once, then cached]",
            HelpName = "gflops,gbps",
            CustomParser = result => ArgumentParsers.Single<DevicePeak?>(result, DevicePeak.Parse),
        };
        var recalibrate = new Option<bool>("--recalibrate") { Description = "Measure the peaks again instead of using the cached ones" };
        var options = new Option<string?>("--options") { Description = "Network configuration overrides, e.g. blocks=8,features=32", HelpName = "k=v,..." };
        var top = new Option<int?>("--top") { Description = "Print only the N longest rows (the JSON has them all)" };
        var noProfile = new Option<bool>("--no-profile") { Description = "Only the end-to-end times and memory: skip the per-kernel pass and the calibration (what benchmarks/pytorch_compare.py uses)" };
        var seed = new Option<int>("--seed") { Description = "Seed of the random input and target (the weights get the zoo's default random initialisation)", DefaultValueFactory = _ => 1 };
        var command = new Command("profile", "Time every kernel of a network's forward (and backward) pass on a device")
        {
            model, scale, input, backward, adam, warmup, iters, json, trace, peak, recalibrate, options, top, noProfile, seed,
        };
        var device = DeviceOptions.AddTo(command);
        warmup.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 0)
                r.AddError("--warmup cannot be negative");
        });
        iters.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
                r.AddError("--iters must be at least 1");
        });
        command.Validators.Add(r =>
        {
            if (r.GetValue(adam) && !r.GetValue(backward))
                r.AddError("--adam needs --backward");
        });
        top.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 1)
                r.AddError("--top must be at least 1");
        });

        command.SetHandler(context, parse =>
        {
            var settings = new ProfileWorkload.Settings(
                parse.GetValue(model)!,
                parse.GetValue(scale),
                parse.GetValue(input)!,
                parse.GetValue(backward),
                parse.GetValue(adam),
                parse.GetValue(warmup),
                parse.GetValue(iters),
                ModelOptions.Parse(parse.GetValue(options)),
                parse.GetValue(seed),
                Profile: !parse.GetValue(noProfile));
            using var dev = device.Open(parse, context);
            var devicePeak = parse.GetValue(peak)
                ?? (settings.Profile ? Calibrate(context, dev, parse.GetValue(recalibrate)) : new DevicePeak(double.NaN, double.NaN, "not measured (--no-profile)"));
            var result = ProfileWorkload.Run(dev, settings, context);
            var summary = new ProfileSummary
            {
                Device = dev.Info.Id,
                DeviceName = dev.Info.Name,
                Workload = result.Workload,
                Iterations = settings.Iterations,
                Rows = ProfileReport.Aggregate(result.Samples),
                Peak = devicePeak,
                ForwardMs = result.ForwardMs,
                BackwardMs = result.BackwardMs,
                OptimizerMs = result.OptimizerMs,
                PeakMemoryBytes = result.PeakMemoryBytes,
                CpuMs = result.CpuMs,
            };
            Print(context.Out, dev, summary, result.Samples.Count, parse.GetValue(top));
            if (parse.GetValue(json) is { } jsonPath)
            {
                ProfileReport.WriteJson(jsonPath, summary);
                context.Out.MarkupLine($"json: {Markup.Escape(jsonPath)}");
            }
            if (parse.GetValue(trace) is { } tracePath)
            {
                ProfileReport.WriteTrace(tracePath, result.Samples, dev.Info.Id);
                context.Out.MarkupLine($"trace: {Markup.Escape(tracePath)} (open in chrome://tracing or https://ui.perfetto.dev)");
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static DevicePeak Calibrate(CliContext context, Device device, bool refresh)
    {
        if (!refresh && Calibration.CachePath(device) is { } path && File.Exists(path))
            return Calibration.Get(device);
        context.Out.MarkupLine(Markup.Escape($"calibrating {device.Info.Id}: SGEMM and copy (once per device; cached, or give --peak)…"));
        return Calibration.Get(device, refresh);
    }

    private static void Print(IAnsiConsole console, Device device, ProfileSummary summary, int launches, int? top)
    {
        string what = device is KernelDevice ? "kernel" : "op";
        int n = summary.Iterations;
        double total = summary.TotalMs;
        if (launches > 0)
            PrintTable(console, device, summary, launches, top);
        double endToEnd = summary.ForwardMs + (summary.BackwardMs ?? 0) + (summary.OptimizerMs ?? 0);
        string backwardText = (summary.BackwardMs is { } b ? $", loss + backward {F(b, "F2")} ms" : "")
            + (summary.OptimizerMs is { } o ? $", Adam {F(o, "F2")} ms" : "")
            + (summary.BackwardMs is not null ? $", total {F(endToEnd, "F2")} ms" : "");
        string cover = endToEnd > 0 && launches > 0 ? $"; {what} time covers {F(100 * total / n / endToEnd, "F0")}% of it" : "";
        console.MarkupLine(Markup.Escape($"end-to-end (mean of {n}, without the profiler): forward {F(summary.ForwardMs, "F2")} ms{backwardText}{cover}"));
        if (summary.CpuMs is { } cpu)
            console.MarkupLine(Markup.Escape($"process CPU time per iteration, all threads: {F(cpu, "F2")} ms"));
        console.MarkupLine(Markup.Escape($"device memory high-water mark: {Bytes.Format(summary.PeakMemoryBytes)}"));
    }

    private static void PrintTable(IAnsiConsole console, Device device, ProfileSummary summary, int launches, int? top)
    {
        var peak = summary.Peak;
        console.MarkupLine(Markup.Escape($"peak: {peak}"));
        string what = device is KernelDevice ? "kernel" : "op";
        var table = new Table().AddColumn(device is KernelDevice ? "kernel" : "op (Cpu: each primitive timed on the host)")
            .AddColumn(new TableColumn("calls").RightAligned())
            .AddColumn(new TableColumn("total ms").RightAligned())
            .AddColumn(new TableColumn("mean µs").RightAligned())
            .AddColumn(new TableColumn("%").RightAligned())
            .AddColumn(new TableColumn("GFLOP/s").RightAligned())
            .AddColumn(new TableColumn("GB/s").RightAligned())
            .AddColumn("bound")
            .AddColumn(new TableColumn("% peak").RightAligned());
        double total = summary.TotalMs;
        var rows = top is { } t ? summary.Rows.Take(t) : summary.Rows;
        foreach (var row in rows)
        {
            bool costed = row.Flops > 0 || row.Bytes > 0;
            table.AddRow(
                Markup.Escape(row.Name),
                row.Calls.ToString(CultureInfo.InvariantCulture),
                F(row.TotalMs, "F2"),
                F(row.MeanUs, "F1"),
                F(total > 0 ? 100 * row.TotalMs / total : 0, "F1"),
                costed && row.Flops > 0 ? F(row.Gflops, "F1") : "-",
                costed ? F(row.Gbps, "F1") : "-",
                !costed ? "-" : row.IsComputeBound(peak) ? "compute" : "memory",
                row.PercentOfPeak(peak) is { } p ? F(p, "F1") : "-");
        }
        console.Write(table);
        if (top is { } shown && summary.Rows.Count > shown)
            console.MarkupLine($"({summary.Rows.Count - shown} shorter rows not shown)");
        int n = summary.Iterations;
        console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"{what} time: {total:F2} ms over {n} iteration(s), {total / n:F2} ms per iteration, {launches / n} {(device is KernelDevice ? "launches" : "ops")} per iteration")));
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static int[]? ParseShape(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        var parts = text.Split(['x', 'X', '×', ','], StringSplitOptions.TrimEntries);
        var dims = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out int d) && d >= 1)
            {
                dims[i] = d;
                continue;
            }
            {
                result.AddError($"--input '{text}' is not a shape NxCxHxW of positive integers (e.g. 1x3x128x128)");
                return null;
            }
        }
        if (dims.Length != 4)
        {
            result.AddError($"--input '{text}' has {dims.Length} dimensions; give NxCxHxW (e.g. 1x3x128x128)");
            return null;
        }
        return dims;
    }
}
