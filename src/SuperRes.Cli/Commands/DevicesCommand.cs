using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using SuperRes.Runtime;

namespace SuperRes.Cli.Commands;

/// <summary><c>superres devices</c>: what can run here, and why the other backends cannot.</summary>
internal static class DevicesCommand
{
    public static Command Create(CliContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print the devices and problems as JSON" };
        var command = new Command("devices", "List the usable devices and the backends that were not found") { json };
        command.SetHandler(context, parse =>
        {
            // Always a real probe, which also refreshes the answer `--device auto` reuses (DeviceProbeCache).
            var found = Devices.ProbeAndRecord(warn: message => context.Err.MarkupLine($"[yellow]warning:[/] {Markup.Escape(message)}"));
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
        var table = new Table().AddColumns("auto rank", "id", "backend", "name", "memory", "compute units", "driver", "API", "why this rank");
        var ranking = Devices.Ranking(found);
        foreach (var (r, rank) in ranking.Select((r, i) => (r, i + 1)))
        {
            var d = r.Device;
            table.AddRow(Cells(rank.ToString(), d.Id, d.Backend.ToString(), d.Name, Bytes.Format(d.MemoryBytes), d.ComputeUnits.ToString(), d.DriverVersion, d.ApiVersion, r.Reason));
        }
        console.Write(table);

        var auto = ranking.Count > 0 ? $"{ranking[0].Device.Id} ({ranking[0].Reason})" : "none";
        console.MarkupLine($"--device auto picks: [bold]{Markup.Escape(auto)}[/]");
        if (found.Problems.Count == 0)
            return;
        console.MarkupLine("Not found:");
        foreach (var p in found.Problems)
            console.MarkupLine($"  [yellow]{p.Backend.IdPrefix()}[/]: {Markup.Escape(p.Reason)}");
    }

    private static Text[] Cells(params string[] values) => values.Select(v => new Text(v)).ToArray();

    // Relaxed escaping so names and versions read as they are ("3.1+debian", not "3.1\u002Bdebian").
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static void WriteJson(TextWriter writer, DiscoveryResult found) => writer.WriteLine(Json(Devices.Ranking(found), found.Problems));

    /// <summary>The text of <c>devices --json</c>: the ranked devices, then the backends not found.</summary>
    internal static string Json(IReadOnlyList<RankedDevice> ranking, IReadOnlyList<BackendProblem> problems)
    {
        var document = new JsonObject
        {
            ["devices"] = new JsonArray([.. ranking.Select((r, i) => new JsonObject
            {
                ["autoRank"] = i + 1,
                ["autoReason"] = r.Reason,
                ["id"] = r.Device.Id,
                ["backend"] = r.Device.Backend.IdPrefix(),
                ["name"] = r.Device.Name,
                ["memoryBytes"] = r.Device.MemoryBytes,
                ["computeUnits"] = r.Device.ComputeUnits,
                ["driverVersion"] = r.Device.DriverVersion,
                ["apiVersion"] = r.Device.ApiVersion,
                ["isGpu"] = r.Device.IsGpu,
            })]),
            ["problems"] = new JsonArray([.. problems.Select(p => new JsonObject { ["backend"] = p.Backend.IdPrefix(), ["reason"] = p.Reason })]),
        };
        return document.ToJsonString(JsonOptions);
    }
}
