using Spectre.Console;

namespace SuperRes.Cli;

/// <summary>
/// Where a command writes: Spectre consoles for tables and markup, and the raw writers for machine-readable
/// output (JSON) and System.CommandLine's help. Passed in rather than read from statics so tests can run
/// the CLI in-process and capture both streams.
/// </summary>
internal sealed class CliContext(IAnsiConsole output, IAnsiConsole error, TextWriter outputWriter, TextWriter errorWriter)
{
    // Spectre wraps at 80 columns when it cannot see a terminal; logs read better with whole table rows
    // and one-line error messages.
    private const int RedirectedWidth = 512;

    public IAnsiConsole Out { get; } = output;
    public IAnsiConsole Err { get; } = error;
    public TextWriter OutWriter { get; } = outputWriter;
    public TextWriter ErrWriter { get; } = errorWriter;

    /// <summary>
    /// Prints <c>error: message</c> on stderr, red on a terminal; the message is shown as it is (brackets too). Plain
    /// output is one write of the whole line, which a launcher relaying several processes' stderr (mpirun) cannot split.
    /// </summary>
    public void WriteError(string message)
    {
        if (Err.Profile.Capabilities.Ansi)
            Err.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
        else
            ErrWriter.Write($"error: {message}{Environment.NewLine}");
    }

    /// <summary>
    /// Runs <paramref name="work"/> with a progress bar of <paramref name="total"/> steps on a terminal (plain
    /// output elsewhere). The work gets <c>advance()</c> to count a step and <c>describe(text)</c> for the current item.
    /// </summary>
    public void Progress(int total, Action<Action, Action<string>> work)
    {
        if (!Out.Profile.Capabilities.Interactive)
        {
            work(() => { }, _ => { });
            return;
        }
        Out.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("working", maxValue: total);
                work(() => task.Increment(1), text => task.Description = Markup.Escape(text));
            });
    }

    /// <summary>
    /// The real stdout/stderr: colours and live progress on a terminal, plain text when redirected — or when an MPI
    /// launcher started the process: its terminal is the launcher's relay (Open MPI gives each rank a pty), whose
    /// output ends up interleaved with other ranks' or in a log file.
    /// </summary>
    public static CliContext ForProcess()
    {
        bool launched = Training.Distributed.Collectives.LaunchedByMpi;
        var output = Console.IsOutputRedirected || launched ? Plain(Console.Out) : Terminal(Console.Out);
        var error = Console.IsErrorRedirected || launched ? Plain(Console.Error) : Terminal(Console.Error);
        return new CliContext(output, error, Console.Out, Console.Error);
    }

    /// <summary>Plain text into the given writers: no colours, no escape codes, no live displays.</summary>
    public static CliContext ForWriters(TextWriter output, TextWriter error) =>
        new(Plain(output), Plain(error), output, error);

    private static IAnsiConsole Terminal(TextWriter writer) =>
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });

    private static IAnsiConsole Plain(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = RedirectedWidth;
        return console;
    }
}
