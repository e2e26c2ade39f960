namespace SuperRes.TestSupport;

/// <summary>
/// A test that needs an OpenCL device. Skipped with the discovery problem when there is none, except on CI,
/// where .ci/run installs PoCL and a missing device must fail the test instead.
/// </summary>
public sealed class OpenClFactAttribute : FactAttribute
{
    public OpenClFactAttribute()
    {
        if (TestDevices.OnCi || TestDevices.OpenClMissingReason() is not { } reason)
            return;
        Skip = "no OpenCL device here" + (reason.Length == 0 ? "" : $" ({reason})") + "; install pocl-opencl-icd to run it";
    }
}
