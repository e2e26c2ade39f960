namespace SuperRes.Cli;

internal static class Program
{
    public static int Main(string[] args) => SuperResCli.Run(args, CliContext.ForProcess());
}
