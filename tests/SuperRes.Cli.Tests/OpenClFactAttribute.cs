using SuperRes.Runtime;

namespace SuperRes.Cli.Tests;

/// <summary>
/// A test that needs an OpenCL device. Skipped with the discovery problem when there is none, except on CI,
/// where .ci/run installs PoCL and a missing device must fail the test instead.
/// </summary>
public sealed class OpenClFactAttribute : FactAttribute
{
    public OpenClFactAttribute()
    {
        if (Ci.IsCi || Devices.Discover().Devices.Any(d => d.Backend == BackendKind.OpenCL))
            return;
        var problem = Devices.Discover().Problems.FirstOrDefault(p => p.Backend == BackendKind.OpenCL);
        Skip = "no OpenCL device here" + (problem is null ? "" : $" ({problem.Reason})") + "; install pocl-opencl-icd to run it";
    }
}

public static class Ci
{
    /// <summary><c>CI=true</c> (or <c>1</c>), as CI systems set it; the same rule as the runtime tests.</summary>
    public static bool IsCi =>
        Environment.GetEnvironmentVariable("CI") is { } ci && (ci.Equals("true", StringComparison.OrdinalIgnoreCase) || ci == "1");
}
