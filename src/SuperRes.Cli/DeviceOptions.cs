using System.CommandLine;
using Spectre.Console;
using SuperRes.Runtime;

namespace SuperRes.Cli;

/// <summary>The options every command that opens a device takes: <c>--device</c> and <c>--max-memory</c>.</summary>
internal sealed class DeviceOptions
{
    public Option<string> Device { get; } = new("--device", "-d")
    {
        Description = "Device to run on: auto, cpu, opencl, opencl:N, cuda, cuda:N (see `superres devices`)",
        HelpName = "id",
        DefaultValueFactory = _ => "auto",
    };

    public Option<long?> MaxMemory { get; } = new("--max-memory")
    {
        Description = "Cap on the device memory this process uses, e.g. 2G or 512MiB [default: SUPERRES_MAX_MEMORY, else the whole device]",
        HelpName = "bytes",
        // Parsed here so that a bad size is a usage error (exit 2) rather than a failed run.
        CustomParser = result => ArgumentParsers.Single<long?>(result, text => Bytes.Parse(text)),
    };

    /// <summary>Creates the options and adds them to <paramref name="command"/> (a fresh pair per command: options are tied to their parents).</summary>
    public static DeviceOptions AddTo(Command command)
    {
        var options = new DeviceOptions();
        command.Options.Add(options.Device);
        command.Options.Add(options.MaxMemory);
        return options;
    }

    /// <summary>
    /// Opens the chosen device; an unknown id throws <see cref="DeviceSelectionException"/> listing the real ones.
    /// For <c>auto</c> it says on stderr which device was chosen and why (the cached probe's answer when there is one).
    /// </summary>
    public Runtime.Device Open(ParseResult parse, CliContext context)
    {
        var spec = parse.GetValue(Device) ?? "auto";
        if (!spec.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase))
            return Devices.Open(spec, parse.GetValue(MaxMemory));
        var choice = Devices.ChooseAuto(warn: message => context.Err.MarkupLine($"[yellow]warning:[/] {Markup.Escape(message)}"));
        var hint = choice.FromCachedProbe ? "" : " (`superres devices` shows the ranking)";
        context.Err.MarkupLine(Markup.Escape($"device: {choice.Device} chosen by auto: {choice.Reason}{hint}"));
        return Devices.Open(choice.Device, parse.GetValue(MaxMemory));
    }
}
