using SuperRes.Cli;

namespace SuperRes.Cli.Tests;

public class HelpTests
{
    public static IReadOnlyList<string> CommandNames()
    {
        using var sink = new StringWriter();
        return SuperResCli.Build(CliContext.ForWriters(sink, sink)).Subcommands.Select(c => c.Name).ToList();
    }

    public static TheoryData<string> Commands() => new(CommandNames());

    [Fact]
    public void Root_help_lists_every_command()
    {
        var run = CliRun.Of("--help");

        run.AssertExit(0);
        Assert.Contains("Usage:", run.Out);
        foreach (var name in CommandNames())
            Assert.Contains(name, run.Out);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Every_command_has_help(string command)
    {
        var run = CliRun.Of(command, "--help");

        run.AssertExit(0);
        // The program name in "Usage:" is the host's (superres, or testhost here).
        Assert.Matches($@"Usage:\s+\S+ {command}", run.Out);
        Assert.Equal("", run.Err);
    }

    [Fact]
    public void No_command_shows_help_and_is_a_usage_error()
    {
        var run = CliRun.Of();

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Usage:", run.Out);
    }

    [Fact]
    public void Unknown_command_is_a_usage_error()
    {
        var run = CliRun.Of("nosuchcommand");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("nosuchcommand", run.Err);
    }

    [Fact]
    public void Version_prints_something()
    {
        var run = CliRun.Of("--version");

        Assert.Equal(0, run.ExitCode);
        Assert.False(string.IsNullOrWhiteSpace(run.Out));
    }
}
