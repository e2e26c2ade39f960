using Xunit.Abstractions;

namespace SuperRes.Tensors.Tests;

[Collection("devices")]
public sealed class ArithmeticFixtureTests(ITestOutputHelper output)
{
    private const string Group = "arithmetic";

    public static TheoryData<string> Cases() => OpFixtures.Names(Group);

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string name)
    {
        var fixture = OpFixtures.Load(Group).Single(c => c.Name == name);
        Func<Tensor[], Tensor> op = fixture.Op switch
        {
            "add" => t => Ops.Add(t[0], t[1]),
            "subtract" => t => Ops.Subtract(t[0], t[1]),
            "scale" => t => Ops.Scale(t[0], fixture.Float("s")),
            "residual_add" => t => Ops.ResidualAdd(t[0], t[1], fixture.Float("scale")),
            "multiply" => t => Ops.Multiply(t[0], t[1]),
            _ => throw new InvalidOperationException($"{name}: no mapping for op '{fixture.Op}'"),
        };
        OpFixtures.AssertMatches(fixture, TestDevices.Cpu, op);
        if (TestDevices.OpenCl(output) is { } gpu)
            OpFixtures.AssertMatches(fixture, gpu, op);
    }
}
