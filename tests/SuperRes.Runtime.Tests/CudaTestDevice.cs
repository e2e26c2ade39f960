using SuperRes.Runtime.Cuda;
using Xunit.Abstractions;

namespace SuperRes.Runtime.Tests;

/// <summary>
/// Opens the first CUDA device for a test, or writes why there is none and returns null. CI machines have no
/// GPU, so a missing device never fails a test (xunit 2 cannot skip at run time: the test returns early).
/// </summary>
internal static class CudaTestDevice
{
    public static bool IsCi =>
        Environment.GetEnvironmentVariable("CI") is { } ci && (ci.Equals("true", StringComparison.OrdinalIgnoreCase) || ci == "1");

    public static CudaDevice? Open(ITestOutputHelper output, long? memoryCapBytes = null)
    {
        string reason;
        try
        {
            var provider = new CudaProvider();
            var devices = provider.Discover();
            if (devices.Count > 0)
                return (CudaDevice)provider.Open(devices[0], memoryCapBytes);
            reason = "the driver reports no devices";
        }
        catch (SuperResException e)
        {
            reason = e.Message;
        }
        output.WriteLine($"SKIPPED: no CUDA device ({reason})");
        return null;
    }

    /// <summary>Random values away from zero, so that a wrong index or an unwritten element shows.</summary>
    public static float[] RandomData(int count, int seed)
    {
        var random = new Random(seed);
        var data = new float[count];
        for (int i = 0; i < count; i++)
            data[i] = (float)(random.NextDouble() * 2 - 1) + (i % 2 == 0 ? 0.25f : -0.25f);
        return data;
    }

    public static void AssertClose(double expected, float actual, double relative, string what)
    {
        double tolerance = relative * Math.Max(1.0, Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: expected {expected:R}, got {actual:R}");
    }
}
