using Xunit.Abstractions;

namespace SuperRes.Tensors.Tests;

/// <summary>batch_norm2d against PyTorch's F.batch_norm (tests/fixtures/op_cases/batchnorm.py), running statistics included.</summary>
[Collection("devices")]
public sealed class BatchNormFixtureTests(ITestOutputHelper output)
{
    private const string Group = "batchnorm";

    public static TheoryData<string> Cases() => OpFixtures.Names(Group);

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string name)
    {
        var fixture = OpFixtures.Load(Group).Single(c => c.Name == name);
        float momentum = fixture.Float("momentum");
        Func<Tensor[], Tensor> forward = fixture.Op switch
        {
            "batch_norm2d" => t => Ops.BatchNorm2d(t[0], t[1], t[2], t[3], t[4],
                fixture.Params.GetProperty("training").GetBoolean(), momentum, fixture.Float("eps")),
            "batch_norm2d_running_stats" => t => UpdatedRunningStats(t, momentum),
            _ => throw new InvalidOperationException($"unknown op {fixture.Op} in {name}"),
        };
        OpFixtures.AssertMatches(fixture, TestDevices.Cpu, forward);
        if (TestDevices.OpenCl(output) is { } gpu)
            OpFixtures.AssertMatches(fixture, gpu, forward);
    }

    /// <summary>One training call, then [running_mean, running_var] as one tensor (the fixture's output).</summary>
    private static Tensor UpdatedRunningStats(Tensor[] t, float momentum)
    {
        Ops.BatchNorm2d(t[0], t[1], t[2], t[3], t[4], training: true, momentum, 1e-5f).Dispose();
        return Tensor.FromArray(t[3].Device, [2 * t[3].Shape[0]], [.. t[3].ToArray(), .. t[4].ToArray()]);
    }
}
