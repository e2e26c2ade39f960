using Spectre.Console;
using SuperRes.Runtime;
using SuperRes.Tensors.Verification;

namespace SuperRes.Cli.Doctor;

/// <summary>Runs every <see cref="OpCheck"/> on a device against the Cpu reference and prints the results.</summary>
internal static class OpCheckReport
{
    /// <summary>Prints one row per check, then the failures' messages; true when every check passed.</summary>
    public static bool Run(IAnsiConsole console, Device device, Device reference, int cases, int seed)
    {
        var checks = OpChecks.All;
        var outcomes = new List<CheckOutcome>();
        console.Status().Start("checking ops", status =>
        {
            foreach (var check in checks)
            {
                status.Status($"checking ops [[{outcomes.Count + 1}/{checks.Count}]] {Markup.Escape(check.ToString())}");
                // The same seed for every check, so `--seed` reproduces any single failure.
                outcomes.Add(CheckRunner.Run(check, device, reference, cases, seed));
            }
        });

        var table = new Table().Title($"op checks ({cases} cases each)").AddColumns("op", "pass", "result", "max rel. error", "time");
        table.Columns[3].RightAligned();
        table.Columns[4].RightAligned();
        foreach (var o in outcomes)
            table.AddRow(
                new Text(o.Check.Op),
                new Text(o.Check.Pass),
                Format.Result(o.Passed),
                new Text(Format.Error(o.MaxRelativeError)),
                new Text(Format.Time(o.DeviceTime)));
        console.Write(table);
        foreach (var o in outcomes.Where(o => !o.Passed))
            console.MarkupLine($"[red]FAIL[/] {Markup.Escape(o.Check.ToString())}: {Markup.Escape(o.Failure!)}");
        return outcomes.All(o => o.Passed);
    }
}
