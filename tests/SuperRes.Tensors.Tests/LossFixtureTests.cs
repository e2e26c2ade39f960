using Xunit.Abstractions;

namespace SuperRes.Tensors.Tests;

/// <summary>Losses and the reductions to one value (sum, mean) against PyTorch.</summary>
[Collection("devices")]
public sealed class LossFixtureTests(ITestOutputHelper output)
{
    private const string Group = "losses";

    public static TheoryData<string> Cases() => OpFixtures.Names(Group);

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string name)
    {
        var fixture = OpFixtures.Load(Group).Single(c => c.Name == name);
        Func<Tensor[], Tensor> op = fixture.Op switch
        {
            "l1_loss" => t => Ops.L1Loss(t[0], t[1]),
            "mse_loss" => t => Ops.MseLoss(t[0], t[1]),
            "sum" => t => Ops.Sum(t[0]),
            "mean" => t => Ops.Mean(t[0]),
            _ => throw new InvalidOperationException($"{name}: no mapping for op '{fixture.Op}'"),
        };
        OpFixtures.AssertMatches(fixture, TestDevices.Cpu, op);
        if (TestDevices.OpenCl(output) is { } gpu)
            OpFixtures.AssertMatches(fixture, gpu, op);
    }
}
