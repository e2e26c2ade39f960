using Xunit.Abstractions;

namespace SuperRes.Tensors.Tests;

[Collection("devices")]
public sealed class ReluFixtureTests(ITestOutputHelper output)
{
    private const string Group = "activations_relu";

    public static TheoryData<string> Cases() => OpFixtures.Names(Group);

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string name)
    {
        var fixture = OpFixtures.Load(Group).Single(c => c.Name == name);
        OpFixtures.AssertMatches(fixture, TestDevices.Cpu, t => Ops.Relu(t[0]));
        if (TestDevices.OpenCl(output) is { } gpu)
            OpFixtures.AssertMatches(fixture, gpu, t => Ops.Relu(t[0]));
    }
}
