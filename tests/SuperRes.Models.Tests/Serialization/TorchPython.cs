using System.Diagnostics;

namespace SuperRes.Models.Tests.Serialization;

/// <summary>Runs the reference PyTorch (python3 with torch) for interop tests.</summary>
internal static class TorchPython
{
    /// <summary>SUPERRES_PYTHON if set, else /usr/bin/python3 (where the PyTorch oracle is installed), else python3 on PATH.</summary>
    public static string Python =>
        Environment.GetEnvironmentVariable("SUPERRES_PYTHON") is { Length: > 0 } p ? p
        : File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    /// <summary>Why torch cannot be used here, or null when it can.</summary>
    public static string? UnavailableReason => Probe.Value;

    private static readonly Lazy<string?> Probe = new(() =>
    {
        try
        {
            var (code, _, err) = Run("import torch; print(torch.__version__)", [], TimeSpan.FromMinutes(2));
            return code == 0 ? null : $"{Python} cannot import torch: {err.Trim()}";
        }
        catch (Exception ex) { return $"{Python} could not be started: {ex.Message}"; }
    });

    /// <summary>Fails with the reason when torch is unavailable (only reached on CI; elsewhere the test is skipped).</summary>
    public static void Require()
    {
        if (UnavailableReason is { } why) Assert.Fail($"python3 with torch is required on CI (CI=true): {why}");
    }

    public static (int Code, string Out, string Err) Run(string script, IEnumerable<string> args, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"python did not finish within {timeout}");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    public static string RunOrFail(string script, params string[] args)
    {
        var (code, output, err) = Run(script, args, TimeSpan.FromMinutes(3));
        Assert.True(code == 0, $"python exited with {code}:\n{err}");
        return output;
    }
}

/// <summary>
/// A fact that needs python3 with torch: skipped with the reason when they are absent, except on CI
/// (CI=true), where it runs and fails instead.
/// </summary>
public sealed class TorchFactAttribute : FactAttribute
{
    public TorchFactAttribute()
    {
        if (!TestDevices.OnCi && TorchPython.UnavailableReason is { } why)
            Skip = $"needs python3 with torch: {why} (with CI=true this fails instead of skipping)";
    }
}
