using Xunit.Abstractions;

namespace SuperRes.Tensors.Tests;

[Collection("devices")]
public sealed class ActivationFixtureTests(ITestOutputHelper output)
{
    private const string Group = "activations";

    public static TheoryData<string> Cases() => OpFixtures.Names(Group);

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string name)
    {
        var fixture = OpFixtures.Load(Group).Single(c => c.Name == name);
        Func<Tensor[], Tensor> op = fixture.Op switch
        {
            "leaky_relu" => t => Ops.LeakyRelu(t[0], fixture.Float("slope")),
            "prelu" => t => Ops.Prelu(t[0], t[1]),
            "sigmoid" => t => Ops.Sigmoid(t[0]),
            "tanh" => t => Ops.Tanh(t[0]),
            _ => throw new InvalidOperationException($"{name}: no mapping for op '{fixture.Op}'"),
        };
        OpFixtures.AssertMatches(fixture, TestDevices.Cpu, op);
        if (TestDevices.OpenCl(output) is { } gpu)
            OpFixtures.AssertMatches(fixture, gpu, op);
    }
}
