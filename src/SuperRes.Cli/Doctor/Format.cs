using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace SuperRes.Cli.Doctor;

/// <summary>Cell formats shared by the doctor tables.</summary>
internal static class Format
{
    public static IRenderable Result(bool passed) => passed ? new Markup("[green]PASS[/]") : new Markup("[red]FAIL[/]");

    public static string Time(TimeSpan time) =>
        time.TotalSeconds >= 1
            ? time.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s"
            : time.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms";

    public static string Error(double relativeError) =>
        double.IsPositiveInfinity(relativeError) ? "inf" : relativeError.ToString("G3", CultureInfo.InvariantCulture);
}
