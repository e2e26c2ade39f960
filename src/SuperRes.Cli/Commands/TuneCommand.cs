using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using SuperRes.Runtime;
using SuperRes.Tensors.Tuning;

namespace SuperRes.Cli.Commands;

/// <summary>
/// <c>superres tune</c>: searches the tunable kernels' parameters on a device for the zoo's layer shapes, keeps the
/// fastest configuration that matches the Cpu reference, and writes the device's tuning database, which later runs
/// use. Ctrl-C stops after the current measurement and keeps every finished case.
/// </summary>
internal static class TuneCommand
{
    public static Command Create(CliContext context)
    {
        var ops = new Option<string?>("--ops")
        {
            Description = $"Kernels to tune, comma-separated [default: all: {string.Join(", ", TunableKernels.All.Select(k => k.Name))}]",
            HelpName = "k1,k2",
        };
        var budget = new Option<int>("--budget-seconds")
        {
            Description = "Time for the whole search; each shape gets an equal share of what is left",
            DefaultValueFactory = _ => 240,
        };
        budget.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 5)
                r.AddError("--budget-seconds must be at least 5");
        });
        var json = new Option<string?>("--json") { Description = "Also write the results (before/after per shape) to this file", HelpName = "file" };
        var command = new Command("tune", "Find the fastest kernel parameters for a device and store them in its tuning database") { ops, budget, json };
        var device = DeviceOptions.AddTo(command);
        command.SetHandler(context, parse =>
        {
            var kernels = TunableKernels.Select(parse.GetValue(ops)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            using var opened = device.Open(parse, context);
            if (opened is not KernelDevice kernelDevice)
                throw new SuperResException($"{opened.Info.Id} runs the C# reference code, which has no kernel parameters: tune an opencl or cuda device");
            using var reference = Devices.Open("cpu");
            var report = Run(context, kernelDevice, reference, kernels, TimeSpan.FromSeconds(parse.GetValue(budget)));
            Print(context.Out, kernelDevice, report);
            if (parse.GetValue(json) is { } path)
            {
                File.WriteAllText(path, Json(kernelDevice.Info, report));
                context.Out.MarkupLine($"json: {Markup.Escape(path)}");
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static TuneReport Run(CliContext context, KernelDevice device, Device reference, IReadOnlyList<TunableKernel> kernels, TimeSpan budget)
    {
        var console = context.Out;
        console.MarkupLine(Markup.Escape($"device: {device.Info} (driver {device.Info.DriverVersion}, class {device.Class.ToString().ToLowerInvariant()})"));
        console.MarkupLine(Markup.Escape($"database: {device.Tuning.Path ?? "none (the kernel cache is off)"}"));
        console.MarkupLine(Markup.Escape($"budget: {budget.TotalSeconds:F0} s for {kernels.Sum(k => k.Cases.DistinctBy(c => c.ShapeClass).Count())} shapes; Ctrl-C stops and keeps what was found"));
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true; // finish the current measurement, save, report
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            TuneReport? report = null;
            int total = kernels.Sum(k => k.Cases.DistinctBy(c => c.ShapeClass).Count());
            context.Progress(total, (advance, describe) =>
            {
                var tuner = new KernelTuner(device, reference)
                {
                    Progress = step => describe($"{step.Kernel} {step.Case.Label}: [{step.Parameters}] "
                        + (step.Milliseconds is { } ms ? string.Create(CultureInfo.InvariantCulture, $"{ms:F2} ms") : "rejected")),
                    CaseDone = done =>
                    {
                        advance();
                        if (!console.Profile.Capabilities.Interactive)
                            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                                $"{done.Kernel} {done.Case.Label}: {done.DefaultMs:F2} ms → {done.BestMs:F2} ms ({done.Speedup:F2}×, {done.Tried} tried) [{done.Best}]"));
                    },
                };
                report = tuner.Run(kernels, budget, cancel.Token);
            });
            return report!;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static void Print(IAnsiConsole console, KernelDevice device, TuneReport report)
    {
        var table = new Table().AddColumns("kernel", "shape", "class", "default", "ms", "GFLOP/s", "tuned", "ms", "GFLOP/s", "speed-up", "tried");
        foreach (var c in report.Cases)
            table.AddRow(Markup.Escape(c.Kernel), Markup.Escape(c.Case.Label), Markup.Escape(c.Case.ShapeClass), Markup.Escape(c.Default.ToString()),
                F(c.DefaultMs), F(c.Flops / c.DefaultMs / 1e6), Markup.Escape(c.Best.ToString()), F(c.BestMs), F(c.Flops / c.BestMs / 1e6),
                F(c.Speedup) + "×", c.Tried.ToString(CultureInfo.InvariantCulture));
        console.Write(table);
        if (report.BuildOptionsNote is { Length: > 0 } note)
            console.MarkupLine(Markup.Escape($"build options: {note}"));
        console.MarkupLine(Markup.Escape($"build options in use: {(report.BuildOptions.Length == 0 ? "none beyond the language version" : report.BuildOptions)}"));
        if (report.Interrupted)
            console.MarkupLine("[yellow]interrupted: the shapes above are stored; the others keep their defaults[/]");
        console.MarkupLine(Markup.Escape($"database: {report.DatabasePath} ({device.Tuning.Entries.Count} entries); later runs on {device.Info.Id} use it"));
    }

    /// <summary>The text of <c>tune --json</c>: the device, the build options and what was measured for each, and every case.</summary>
    internal static string Json(DeviceInfo device, TuneReport report)
    {
        var cases = new JsonArray([.. report.Cases.Select(c => new JsonObject
        {
            ["kernel"] = c.Kernel,
            ["shape"] = c.Case.Label,
            ["class"] = c.Case.ShapeClass,
            ["default"] = c.Default.ToString(),
            ["default_ms"] = Math.Round(c.DefaultMs, 3),
            ["tuned"] = c.Best.ToString(),
            ["tuned_ms"] = Math.Round(c.BestMs, 3),
            ["gflop"] = Math.Round(c.Flops / 1e9, 4),
            ["tried"] = c.Tried,
            ["rejected"] = c.Rejected,
        })]);
        var json = new JsonObject
        {
            ["device"] = device.Id,
            ["name"] = device.Name,
            ["driver"] = device.DriverVersion,
            ["database"] = report.DatabasePath,
            ["build_options"] = report.BuildOptions,
            ["build_options_note"] = report.BuildOptionsNote,
            ["build_option_decisions"] = new JsonArray([.. report.OptionDecisions.Select(d => new JsonObject
            {
                ["option"] = d.Option,
                ["kept"] = d.Kept,
                ["with_ms"] = d.WithMs is { } with ? Math.Round(with, 3) : null,
                ["without_ms"] = d.WithoutMs is { } without ? Math.Round(without, 3) : null,
                ["ratio"] = d.Ratio is { } ratio ? Math.Round(ratio, 4) : null,
                ["cases"] = new JsonArray([.. d.Cases.Select(c => JsonValue.Create(c))]),
                ["failure"] = d.Failure,
            })]),
            ["interrupted"] = report.Interrupted,
            ["cases"] = cases,
        };
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    private static string F(double value) => value.ToString("F2", CultureInfo.InvariantCulture);
}
