namespace SuperRes.Cli;

/// <summary>Process exit codes, the same for every command.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The command ran and something failed (an engine error, a failed check).</summary>
    public const int Failure = 1;

    /// <summary>The command line itself was wrong (unknown option, bad value, missing command).</summary>
    public const int Usage = 2;
}
