using System.CommandLine;
using Spectre.Console;
using SuperRes.Cli.Doctor;
using SuperRes.Runtime;

namespace SuperRes.Cli.Commands;

/// <summary><c>superres doctor</c>: compiles every kernel on a device and checks every op against the Cpu reference.</summary>
internal static class DoctorCommand
{
    public static Command Create(CliContext context)
    {
        var cases = new Option<int>("--cases")
        {
            Description = "Random cases per op check",
            DefaultValueFactory = _ => 3,
        };
        cases.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
                r.AddError("--cases must be at least 1");
        });
        var seed = new Option<int?>("--seed") { Description = "Seed for the random cases [default: a new one each run, printed]" };
        var command = new Command("doctor", "Check that a device works: build every kernel and compare every op with the Cpu reference")
        {
            cases,
            seed,
        };
        var device = DeviceOptions.AddTo(command);
        command.SetHandler(context, parse =>
            Run(context, device, parse, parse.GetValue(cases), parse.GetValue(seed) ?? Random.Shared.Next()));
        return command;
    }

    private static int Run(CliContext context, DeviceOptions options, ParseResult parse, int cases, int seed)
    {
        var console = context.Out;
        using var device = options.Open(parse, context);
        using var reference = Devices.Open("cpu");
        var info = device.Info;
        console.MarkupLine($"device: [bold]{Markup.Escape(info.Id)}[/] {Markup.Escape(info.Name)} ({Markup.Escape(info.ApiVersion)}, driver {Markup.Escape(info.DriverVersion)})");
        console.MarkupLine($"seed: {seed} (repeat this run with --seed {seed})");

        bool ok = true;
        if (device is KernelDevice kernelDevice)
            ok &= KernelBuildReport.Run(console, kernelDevice);
        else
            console.MarkupLine("[grey]note: the Cpu device runs C# code, so there are no kernels to build.[/]");

        if (device.Backend == BackendKind.Cpu)
            console.MarkupLine("[grey]note: on cpu the op checks compare the Cpu device with itself; they pass trivially and only exercise the check code.[/]");
        ok &= OpCheckReport.Run(console, device, reference, cases, seed);

        console.MarkupLine(ok ? "[green]doctor: all checks passed[/]" : $"[red]doctor: failures on {Markup.Escape(info.Id)}[/] (seed {seed})");
        return ok ? ExitCodes.Ok : ExitCodes.Failure;
    }
}
