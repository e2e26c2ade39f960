using Xunit.Abstractions;

namespace SuperRes.Tensors.Tests;

[Collection("devices")]
public sealed class Conv2dFixtureTests(ITestOutputHelper output)
{
    private const string Group = "conv2d";

    public static TheoryData<string> Cases() => OpFixtures.Names(Group);

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string name)
    {
        var fixture = OpFixtures.Load(Group).Single(c => c.Name == name);
        Assert.Equal("conv2d", fixture.Op);
        int stride = fixture.Int("stride");
        var padding = fixture.String("padding") switch
        {
            "zeros" => PaddingMode.Zeros,
            "replicate" => PaddingMode.Replicate,
            var other => throw new InvalidDataException($"{name}: unknown padding '{other}'"),
        };
        bool hasBias = fixture.Inputs.Any(i => i.Name == "bias");
        Tensor Forward(Tensor[] t) => Ops.Conv2d(t[0], t[1], hasBias ? t[2] : null, stride, padding);

        OpFixtures.AssertMatches(fixture, TestDevices.Cpu, Forward);
        if (TestDevices.OpenCl(output) is { } gpu)
            OpFixtures.AssertMatches(fixture, gpu, Forward);
    }
}
