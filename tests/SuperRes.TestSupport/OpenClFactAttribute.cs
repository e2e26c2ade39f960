namespace SuperRes.TestSupport;

/// <summary>
/// A test that needs an OpenCL device. Skipped with the discovery problem when there is none, except on CI,
/// where .ci/run installs PoCL and a missing device must fail the test instead.
/// </summary>
public sealed class OpenClFactAttribute : FactAttribute
{
    public OpenClFactAttribute() => Skip = SkipReason();

    /// <summary>Why an OpenCL test is skipped here, or null when it runs.</summary>
    internal static string? SkipReason()
    {
        if (TestDevices.OnCi || TestDevices.OpenClMissingReason() is not { } reason)
            return null;
        return "no OpenCL device here" + (reason.Length == 0 ? "" : $" ({reason})") + "; install pocl-opencl-icd to run it";
    }
}

/// <summary>The <see cref="OpenClFactAttribute"/> rule for a theory.</summary>
public sealed class OpenClTheoryAttribute : TheoryAttribute
{
    public OpenClTheoryAttribute() => Skip = OpenClFactAttribute.SkipReason();
}
