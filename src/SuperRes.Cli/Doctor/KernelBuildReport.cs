using System.Diagnostics;
using Spectre.Console;
using SuperRes.Runtime;

namespace SuperRes.Cli.Doctor;

/// <summary>Builds every kernel file with every <c>// @config</c> define set, and creates each entry point.</summary>
internal static class KernelBuildReport
{
    private sealed record Row(string File, KernelDefines Defines, int EntryPoints, TimeSpan Time, string? Failure);

    /// <summary>Prints a row per file and define set, then the failures' compiler logs; true when all built.</summary>
    public static bool Run(IAnsiConsole console, KernelDevice device)
    {
        var jobs = KernelLibrary.Files.SelectMany(f => KernelLibrary.Configs(f).Select(c => (File: f, Defines: c))).ToList();
        var rows = new List<Row>();
        console.Status().Start("building kernels", status =>
        {
            foreach (var (file, defines) in jobs)
            {
                status.Status($"building kernels [[{rows.Count + 1}/{jobs.Count}]] {Markup.Escape(file)} {Markup.Escape(defines.ToString())}");
                rows.Add(Build(device, file, defines));
            }
        });

        var table = new Table().Title("kernel builds").AddColumns("file", "defines", "entry points", "result", "time");
        table.Columns[2].RightAligned();
        table.Columns[4].RightAligned();
        foreach (var r in rows)
            table.AddRow(
                new Text(r.File),
                new Text(r.Defines.Values.Count == 0 ? "-" : r.Defines.ToString()),
                new Text(r.EntryPoints.ToString()),
                Format.Result(r.Failure is null),
                new Text(Format.Time(r.Time)));
        console.Write(table);
        foreach (var r in rows.Where(r => r.Failure is not null))
            console.MarkupLine($"[red]FAIL[/] {Markup.Escape(r.File)} [[{Markup.Escape(r.Defines.ToString())}]]:\n{Markup.Escape(r.Failure!)}");
        return rows.All(r => r.Failure is null);
    }

    private static Row Build(KernelDevice device, string file, KernelDefines defines)
    {
        var entryPoints = KernelLibrary.EntryPoints(file);
        var watch = Stopwatch.StartNew();
        try
        {
            var program = device.GetProgram(file, defines);
            foreach (var entryPoint in entryPoints)
                program.GetKernel(entryPoint);
            return new Row(file, defines, entryPoints.Count, watch.Elapsed, null);
        }
        // Doctor reports whatever goes wrong in a backend rather than stopping at the first file.
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var message = e is SuperResException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            return new Row(file, defines, entryPoints.Count, watch.Elapsed, message);
        }
    }
}
