namespace SuperRes.Cli.Tests;

/// <summary>The outcome of one in-process <c>superres</c> run.</summary>
public sealed record CliRun(int ExitCode, string Out, string Err)
{
    public static CliRun Of(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = SuperResCli.Run(args, output, error);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    /// <summary>Runs and writes the command line and everything it printed to the test's output.</summary>
    public static CliRun Logged(ITestOutputHelper log, params string[] args)
    {
        var run = Of(args);
        log.WriteLine($"superres {string.Join(' ', args)}\n{run}");
        return run;
    }

    /// <summary>Fails the test, showing the whole run, unless it exited with <paramref name="code"/>.</summary>
    public CliRun AssertExit(int code)
    {
        Assert.True(ExitCode == code, ToString());
        return this;
    }

    /// <summary>Everything the run printed, for assertion messages.</summary>
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Err}";
}
