namespace SuperRes.Cli;

public static class Program
{
    public static int Main(string[] args) => SuperResCli.Run(args, CliContext.ForProcess());
}
