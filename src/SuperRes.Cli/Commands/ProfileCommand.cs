using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using SuperRes.Models.Networks;
using SuperRes.Runtime.Profiling;
using SuperRes.Tensors;
using SuperRes.Tensors.Autograd;
using SuperRes.Tensors.Primitives;

namespace SuperRes.Cli.Commands;

/// <summary>
/// <c>superres profile</c>: runs a network (random weights, random input) forward, and with <c>--backward</c> an L1
/// loss and the backward pass, and times every kernel launch on the device (OpenCL kernel events, CUDA event
/// pairs; on the Cpu device every primitive op with the host clock). Prints a table per kernel configuration
/// with its roofline position, the end-to-end times and the device-memory high-water mark.
/// </summary>
public static class ProfileCommand
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
            CustomParser = result =>
            {
                try
                {
                    return DevicePeak.Parse(result.Tokens.Single().Value);
                }
                catch (SuperResException e)
                {
                    result.AddError(e.Message);
                    return null;
                }
            },
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
            var settings = new Settings(
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
            var result = Run(dev, settings, context);
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

    /// <summary>What to run.</summary>
    public sealed record Settings(string Model, int? Scale, int[] Input, bool Backward, bool Adam, int Warmup, int Iterations, ModelOptions Options, int Seed, bool Profile = true);

    /// <summary>What was measured.</summary>
    public sealed record Result(string Workload, IReadOnlyList<ProfileSample> Samples, double ForwardMs, double? BackwardMs, double? OptimizerMs, long PeakMemoryBytes);

    /// <summary>
    /// Builds the network and runs <see cref="Settings.Warmup"/> untimed iterations, <see cref="Settings.Iterations"/>
    /// timed ones without the profiler (the end-to-end means and the memory high-water mark), then as many
    /// under the profiler (the per-kernel samples).
    /// </summary>
    public static Result Run(Device device, Settings settings, CliContext? context = null)
    {
        var entry = ModelZoo.Find(settings.Model);
        int s = settings.Scale ?? entry.Scales[0];
        using var network = ModelZoo.Create(device, entry.Name, s, settings.Options);
        network.Train(settings.Backward);
        var shape = new Shape(settings.Input);
        float range = network.Colors == ColorConvention.Rgb255 ? 255f : 1f;
        var random = new Random(settings.Seed);
        using var x = Tensor.FromArray(device, shape, RandomValues(random, shape.Length, range));
        string workload = $"{entry.Name} x{s}{(settings.Options.Values.Count > 0 ? $" ({settings.Options})" : "")}, input {string.Join('x', settings.Input)}, "
            + (settings.Backward ? "forward + L1 loss + backward" + (settings.Adam ? " + Adam" : "") : "forward (inference)");
        context?.Out.MarkupLine(Markup.Escape($"profile: {workload} on {device.Info}"));

        Tensor? target = null;
        using var optimizer = settings.Adam ? new AdamSteps(network, device) : null;
        try
        {
            // The first forward also checks that the network takes this input.
            target = Prepare(network, x, settings, random, range);
            for (int i = 0; i < settings.Warmup; i++)
                Step(network, x, target, settings.Backward, optimizer, null);

            device.Synchronize();
            device.Memory.ResetPeak();
            double forward = 0, backward = 0, update = 0;
            for (int i = 0; i < settings.Iterations; i++)
            {
                var (f, b, o) = Step(network, x, target, settings.Backward, optimizer, null);
                forward += f;
                backward += b;
                update += o;
            }
            long peakMemory = device.Memory.PeakInUseBytes;

            IReadOnlyList<ProfileSample> samples = [];
            if (settings.Profile)
            {
                using var profiler = new Profiler(device);
                for (int i = 0; i < settings.Iterations; i++)
                    Step(network, x, target, settings.Backward, optimizer, profiler);
                samples = profiler.Collect();
            }
            int n = settings.Iterations;
            return new Result(workload, samples, forward / n, settings.Backward ? backward / n : null, optimizer is null ? null : update / n, peakMemory);
        }
        finally
        {
            Tape.Clear();
            target?.Dispose();
        }
    }

    private static Tensor? Prepare(SrNetwork network, Tensor x, Settings settings, Random random, float range)
    {
        Tensor y;
        try
        {
            using (Tape.NoGrad())
                y = network.Forward(x);
        }
        catch (ArgumentException e)
        {
            throw new SuperResException($"{network.Architecture} x{network.Scale} cannot take an input of {x.Shape}: {e.Message}");
        }
        using (y)
            return settings.Backward ? Tensor.FromArray(x.Device, y.Shape, RandomValues(random, y.Length, range)) : null;
    }

    /// <summary>One iteration; returns the wall-clock ms of the forward, of loss + backward and of the Adam update (device synchronized).</summary>
    private static (double ForwardMs, double BackwardMs, double OptimizerMs) Step(SrNetwork network, Tensor x, Tensor? target, bool backward, AdamSteps? optimizer, Profiler? profiler)
    {
        var device = x.Device;
        device.Synchronize();
        SetPhase(profiler, "forward");
        long t0 = Stopwatch.GetTimestamp();
        Tensor y;
        using (backward ? null : Tape.NoGrad())
            y = network.Forward(x);
        device.Synchronize();
        long t1 = Stopwatch.GetTimestamp();
        using (y)
        {
            if (!backward)
                return (Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds, 0, 0);
            SetPhase(profiler, "loss");
            using var loss = Ops.L1Loss(y, target!);
            SetPhase(profiler, "backward");
            loss.Backward();
            device.Synchronize();
        }
        long t2 = Stopwatch.GetTimestamp();
        if (optimizer is not null)
        {
            SetPhase(profiler, "adam");
            optimizer.Step();
            device.Synchronize();
        }
        long t3 = Stopwatch.GetTimestamp();
        SetPhase(profiler, "zero_grad");
        foreach (var p in network.Parameters())
            p.ZeroGrad();
        return (Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds, Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds,
            Stopwatch.GetElapsedTime(t2, t3).TotalMilliseconds);
    }

    /// <summary>torch.optim.Adam (defaults, lr 1e-4) over the network's parameters with the fused Adam primitive.</summary>
    private sealed class AdamSteps : IDisposable
    {
        private readonly List<(Tensor Parameter, Tensor M, Tensor V)> _slots = [];
        private readonly Tensor _one;
        private long _step;

        public AdamSteps(SrNetwork network, Device device)
        {
            foreach (var p in network.Parameters())
                _slots.Add((p, Tensor.Zeros(device, p.Shape), Tensor.Zeros(device, p.Shape)));
            _one = Tensor.Full(device, new Shape(1), 1f);
        }

        public void Step()
        {
            var h = AdamHyperParameters.Default(1e-4f, ++_step);
            foreach (var (p, m, v) in _slots)
                if (p.Grad is { } g)
                    Adam.Step(p.Buffer, g.Buffer, m.Buffer, v.Buffer, _one.Buffer, p.Length, h);
        }

        public void Dispose()
        {
            foreach (var (_, m, v) in _slots)
            {
                m.Dispose();
                v.Dispose();
            }
            _one.Dispose();
        }
    }

    private static void SetPhase(Profiler? profiler, string phase)
    {
        if (profiler is not null)
            profiler.Phase = phase;
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
        var peak = summary.Peak;
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

    private static float[] RandomValues(Random random, long length, float range)
    {
        var data = new float[length];
        for (long i = 0; i < length; i++)
            data[i] = (float)random.NextDouble() * range;
        return data;
    }

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
