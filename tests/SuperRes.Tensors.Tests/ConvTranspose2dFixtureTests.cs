using Xunit.Abstractions;

namespace SuperRes.Tensors.Tests;

/// <summary>conv_transpose2d against PyTorch (tests/fixtures/op_cases/conv_transpose2d.py), FSRCNN's upsampler included.</summary>
[Collection("devices")]
public sealed class ConvTranspose2dFixtureTests(ITestOutputHelper output)
{
    private const string Group = "conv_transpose2d";

    public static TheoryData<string> Cases() => OpFixtures.Names(Group);

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string name)
    {
        var fixture = OpFixtures.Load(Group).Single(c => c.Name == name);
        bool bias = fixture.Inputs.Any(i => i.Name == "bias");
        Func<Tensor[], Tensor> forward = t => Ops.ConvTranspose2d(
            t[0], t[1], bias ? t[2] : null, fixture.Int("stride"), fixture.Int("padding"), fixture.Int("output_padding"));
        OpFixtures.AssertMatches(fixture, TestDevices.Cpu, forward);
        if (TestDevices.OpenCl(output) is { } gpu)
            OpFixtures.AssertMatches(fixture, gpu, forward);
    }
}
