using SuperRes.ExampleOp;
using SuperRes.Tensors.Verification;
using Xunit.Abstractions;

namespace SuperRes.Tensors.Tests;

/// <summary>
/// The "add an op" walkthrough of docs/architecture.md: softsign, defined in tests/SuperRes.ExampleOp through the
/// engine's public API only, with its own kernel file, runs on every backend present and matches the Cpu reference;
/// its Cpu gradient matches float64 finite differences.
/// </summary>
[Collection("devices")]
public sealed class ExampleOpTests(ITestOutputHelper output)
{
    public static TheoryData<string> Checks() => ["softsign forward", "softsign backward"];

    private static OpCheck Check(string name) => name.EndsWith("forward", StringComparison.Ordinal) ? new SoftsignForwardCheck() : new SoftsignBackwardCheck();

    [Theory]
    [MemberData(nameof(Checks))]
    public void RunsOnEveryBackendPresentAndMatchesTheCpuReference(string name)
    {
        var devices = new List<Device>();
        if (TestDevices.OpenCl(output) is { } openCl)
            devices.Add(openCl);
        using var cuda = TestDevices.Cuda(output);
        if (cuda is not null)
            devices.Add(cuda);
        // The Cpu device against itself still runs the op and its poisoned-output check.
        devices.Add(TestDevices.NewCpu());
        foreach (var device in devices)
        {
            var outcome = CheckRunner.Run(Check(name), device, TestDevices.Cpu, cases: 20, seed: 11);
            output.WriteLine($"{name} on {device.Info.Id}: max relative error {outcome.MaxRelativeError:G3}");
            Assert.True(outcome.Passed, $"{device.Info.Id}: {outcome.Failure}");
        }
    }

    [Fact]
    public void EveryBackendHasAnImplementation() =>
        Assert.Equal(Enum.GetValues<BackendKind>().Order(), SoftsignBuffers.Backends.Backends.Order());

    [Theory]
    [InlineData(2, 3, 5, 7)]
    [InlineData(1, 1, 1, 1)]
    public void CpuGradientMatchesFloat64FiniteDifferences(int n, int c, int h, int w)
    {
        var rng = new Random(n * 31 + w);
        int length = n * c * h * w;
        Float64GradCheck.Verify(
            [new([n, c, h, w], RandomData.Uniform(rng, length, -3, 3))],
            v => v[0].Select(x => x / (1 + Math.Abs(x))).ToArray(),
            t => ExampleOps.Softsign(t[0]),
            RandomData.Uniform(rng, length));
    }
}
