using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using SuperRes.Cli.Commands;

namespace SuperRes.Cli;

/// <summary>The <c>superres</c> command line: builds the command tree and runs it.</summary>
internal static class SuperResCli
{
    /// <summary>Every subcommand; adding a command is adding its line here.</summary>
    private static readonly Func<CliContext, Command>[] Commands =
    [
        DevicesCommand.Create,
        DoctorCommand.Create,
        ModelsCommand.Create,
        ConvertCommand.Create,
        UpscaleCommand.Create,
        EvalCommand.Create,
        CompareCommand.Create,
        DownscaleCommand.Create,
        TrainCommand.Create,
        ProfileCommand.Create,
        TuneCommand.Create,
    ];

    public static RootCommand Build(CliContext context)
    {
        var root = new RootCommand("superres: single-image super-resolution on CUDA, OpenCL or the CPU.");
        foreach (var create in Commands)
            root.Subcommands.Add(create(context));
        root.Options.Add(PluginOption.Create());
        // A bare `superres` shows the help, but as a usage error so scripts notice.
        root.SetAction(parse =>
        {
            var help = root.Options.OfType<HelpOption>().Single();
            ((SynchronousCommandLineAction)help.Action!).Invoke(parse);
            return ExitCodes.Usage;
        });
        return root;
    }

    /// <summary>Runs the CLI in-process with plain-text output into the given writers (what the tests use).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error) =>
        Run(args, CliContext.ForWriters(output, error));

    public static int Run(string[] args, CliContext context)
    {
        var parse = Build(context).Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            // System.CommandLine would exit 1 like a failed run; usage errors get their own code.
            foreach (var problem in parse.Errors)
                context.WriteError(problem.Message);
            context.ErrWriter.WriteLine($"Run '{CommandPath(parse)} --help' for usage.");
            return ExitCodes.Usage;
        }
        return parse.Invoke(new InvocationConfiguration
        {
            Output = context.OutWriter,
            Error = context.ErrWriter,
            // SetHandler turns engine errors into "error:" lines; anything reaching here is a bug worth a stack trace.
            EnableDefaultExceptionHandler = true,
        });
    }

    /// <summary>"superres doctor" for a parse that reached the doctor command (the root's name is the program name).</summary>
    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
            names.Insert(0, result.Parent is null ? "superres" : result.Command.Name);
        return string.Join(' ', names);
    }
}
