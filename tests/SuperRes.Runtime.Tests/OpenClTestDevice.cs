using SuperRes.Runtime.OpenCL;
using Xunit.Abstractions;

namespace SuperRes.Runtime.Tests;

/// <summary>
/// Finds the OpenCL device the tests run on (PoCL when present). CI installs PoCL, so there a missing device
/// fails the test; elsewhere the test writes why it did nothing and returns (xunit 2 cannot skip at run time).
/// </summary>
internal static class OpenClTestDevice
{
    public const string PoclPlatform = "Portable Computing Language";

    public static bool IsCi =>
        Environment.GetEnvironmentVariable("CI") is { } ci && (ci.Equals("true", StringComparison.OrdinalIgnoreCase) || ci == "1");

    public static DeviceInfo? Find(ITestOutputHelper output)
    {
        var found = Devices.Discover();
        var devices = found.Devices.Where(d => d.Backend == BackendKind.OpenCL).ToList();
        var device = devices.FirstOrDefault(d => d.Name.Contains(PoclPlatform, StringComparison.Ordinal)) ?? devices.FirstOrDefault();
        if (device is not null)
            return device;
        string reason = string.Join("; ", found.Problems.Where(p => p.Backend == BackendKind.OpenCL).Select(p => p.Reason));
        if (IsCi)
            Assert.Fail($"CI must provide an OpenCL device (PoCL): {reason}");
        output.WriteLine($"SKIPPED: no OpenCL device on this machine ({reason}). Install pocl-opencl-icd to run the OpenCL tests.");
        return null;
    }

    public static OpenClDevice? Open(ITestOutputHelper output, long? memoryCapBytes = null) =>
        Find(output) is { } info ? (OpenClDevice)new OpenClProvider().Open(info, memoryCapBytes) : null;

    /// <summary>Random values in [-1, 1) plus an offset, so that no element is zero and a wrong index shows.</summary>
    public static float[] RandomData(int count, int seed)
    {
        var random = new Random(seed);
        var data = new float[count];
        for (int i = 0; i < count; i++)
            data[i] = (float)(random.NextDouble() * 2 - 1) + (i % 2 == 0 ? 0.25f : -0.25f);
        return data;
    }

    public static void AssertClose(float expected, float actual, float relative, string what)
    {
        float tolerance = relative * Math.Max(1f, Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: expected {expected:R}, got {actual:R}");
    }
}
