namespace SuperRes.TestSupport;

/// <summary>A test that needs a CUDA GPU: skipped, with the reason, where there is none (CI machines have none).</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        if (TestDevices.CudaMissingReason() is { } reason)
            Skip = $"no CUDA device here ({reason})";
    }
}
