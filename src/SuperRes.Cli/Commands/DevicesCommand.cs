using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using Spectre.Console;
using SuperRes.Runtime;

namespace SuperRes.Cli.Commands;

/// <summary><c>superres devices</c>: what can run here, and why the other backends cannot.</summary>
public static class DevicesCommand
{
    public static Command Create(CliContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print the devices and problems as JSON" };
        var command = new Command("devices", "List the usable devices and the backends that were not found") { json };
        command.SetHandler(context, parse =>
        {
            var found = Devices.Discover();
            if (parse.GetValue(json))
                WriteJson(context.OutWriter, found);
            else
                WriteTable(context.Out, found);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void WriteTable(IAnsiConsole console, DiscoveryResult found)
    {
        var table = new Table().AddColumns("id", "backend", "name", "memory", "compute units", "driver", "API");
        foreach (var d in found.Devices)
            table.AddRow(Cells(d.Id, d.Backend.ToString(), d.Name, Bytes.Format(d.MemoryBytes), d.ComputeUnits.ToString(), d.DriverVersion, d.ApiVersion));
        console.Write(table);

        // Resolve("auto") cannot fail while the Cpu device is listed, but a listing must not die over it.
        var auto = found.Devices.Count > 0 ? Devices.Resolve("auto").Id : "none";
        console.MarkupLine($"--device auto picks: [bold]{Markup.Escape(auto)}[/]");
        if (found.Problems.Count == 0)
            return;
        console.MarkupLine("Not found:");
        foreach (var p in found.Problems)
            console.MarkupLine($"  [yellow]{p.Backend.IdPrefix()}[/]: {Markup.Escape(p.Reason)}");
    }

    private static Text[] Cells(params string[] values) => values.Select(v => new Text(v)).ToArray();

    // Relaxed escaping so names and versions read as they are ("3.1+debian", not "3.1\u002Bdebian").
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static void WriteJson(TextWriter writer, DiscoveryResult found)
    {
        var document = new
        {
            devices = found.Devices.Select(d => new
            {
                id = d.Id,
                backend = d.Backend.IdPrefix(),
                name = d.Name,
                memoryBytes = d.MemoryBytes,
                computeUnits = d.ComputeUnits,
                driverVersion = d.DriverVersion,
                apiVersion = d.ApiVersion,
                isGpu = d.IsGpu,
            }),
            problems = found.Problems.Select(p => new { backend = p.Backend.IdPrefix(), reason = p.Reason }),
        };
        writer.WriteLine(JsonSerializer.Serialize(document, Json));
    }
}
