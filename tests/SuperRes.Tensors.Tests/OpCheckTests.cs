using SuperRes.Tensors.Verification;
using Xunit.Abstractions;

namespace SuperRes.Tensors.Tests;

/// <summary>Every op check (forward and backward) on the OpenCL device against the Cpu reference, 20 random cases each.</summary>
[Collection("devices")]
public sealed class OpCheckTests(ITestOutputHelper output)
{
    private const int Cases = 20;

    public static TheoryData<string> CheckNames()
    {
        var data = new TheoryData<string>();
        foreach (var check in OpChecks.All)
            data.Add(check.ToString());
        return data;
    }

    [Theory]
    [MemberData(nameof(CheckNames))]
    public void OpenClMatchesCpuReference(string name)
    {
        var device = TestDevices.OpenCl(output);
        if (device is null)
            return;
        var check = OpChecks.All.Single(c => c.ToString() == name);
        var outcome = CheckRunner.Run(check, device, TestDevices.Cpu, Cases, seed: StableSeed(name));
        output.WriteLine($"{name}: {outcome.Cases} cases, max relative error {outcome.MaxRelativeError:G3}, {outcome.DeviceTime.TotalMilliseconds:F0} ms");
        Assert.True(outcome.Passed, outcome.Failure);
    }

    // string.GetHashCode is randomised per process; a failing case must be reproducible from its name.
    private static int StableSeed(string name) => name.Aggregate(17, (h, c) => unchecked(h * 31 + c)) & 0x7fffffff;

    [Fact]
    public void ChecksCoverEveryOpForwardAndBackward()
    {
        var names = OpChecks.All.Select(c => c.ToString()).ToHashSet();
        foreach (var op in OpChecks.All.Where(c => c.Pass == "backward").Select(c => c.Op))
            Assert.Contains($"{op} forward", names);
    }
}
