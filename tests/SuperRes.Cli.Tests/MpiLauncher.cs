using System.Diagnostics;
using SuperRes.Cli;

namespace SuperRes.Cli.Tests;

/// <summary>
/// A test that launches <c>mpirun</c>. Skipped when Open MPI is not installed, except on CI (CI=true), where
/// .ci/run installs it and a missing mpirun must fail the test instead.
/// </summary>
public sealed class MpiFactAttribute : FactAttribute
{
    public MpiFactAttribute()
    {
        if (MpiLauncher.MpiRun is null && !TestDevices.OnCi)
            Skip = "mpirun not found; install openmpi-bin and libopenmpi-dev to run it";
    }
}

/// <summary>Runs the built <c>superres</c> CLI (the test output's superres.dll) under mpirun, or on its own.</summary>
public static class MpiLauncher
{
    public static string? MpiRun { get; } = FindOnPath("mpirun");

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static string Cli => Path.ChangeExtension(typeof(SuperResCli).Assembly.Location, ".dll");

    public sealed record Result(int ExitCode, string Out, string Err)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Err}";
    }

    /// <summary><c>mpirun -n <paramref name="ranks"/> dotnet superres.dll …</c> (0 ranks: the CLI alone, without mpirun).</summary>
    public static Process Start(int ranks, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (ranks > 0)
        {
            info.FileName = MpiRun ?? throw new InvalidOperationException("mpirun is not installed (CI installs openmpi-bin through .ci/run)");
            foreach (var a in new[] { "-n", ranks.ToString(), "--oversubscribe", "dotnet" })
                info.ArgumentList.Add(a);
            // As root (CI containers) Open MPI refuses to start without both of these.
            info.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
            info.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
            // Containers often forbid the cross-memory attach that shared-memory transfers try first.
            info.Environment["OMPI_MCA_btl_vader_single_copy_mechanism"] = "none";
        }
        else
        {
            info.FileName = "dotnet";
        }
        info.ArgumentList.Add(Cli);
        foreach (var a in args)
            info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }

    public static Result Run(int ranks, IEnumerable<string> args, int timeoutSeconds = 300)
    {
        using var process = Start(ranks, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeoutSeconds * 1000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"superres under mpirun -n {ranks} did not finish in {timeoutSeconds} s\n{error.Result}");
        }
        return new Result(process.ExitCode, output.Result, error.Result);
    }
}
