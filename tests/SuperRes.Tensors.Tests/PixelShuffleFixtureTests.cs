using Xunit.Abstractions;

namespace SuperRes.Tensors.Tests;

/// <summary>pixel_shuffle and pixel_unshuffle against PyTorch (tests/fixtures/op_cases/pixel_shuffle.py).</summary>
[Collection("devices")]
public sealed class PixelShuffleFixtureTests(ITestOutputHelper output)
{
    private const string Group = "pixel_shuffle";

    public static TheoryData<string> Cases() => OpFixtures.Names(Group);

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string name)
    {
        var fixture = OpFixtures.Load(Group).Single(c => c.Name == name);
        int r = fixture.Int("r");
        Func<Tensor[], Tensor> forward = fixture.Op switch
        {
            "pixel_shuffle" => t => Ops.PixelShuffle(t[0], r),
            "pixel_unshuffle" => t => Ops.PixelUnshuffle(t[0], r),
            _ => throw new InvalidOperationException($"unknown op {fixture.Op} in {name}"),
        };
        // A permutation of the values: exact on every device.
        OpFixtures.AssertMatches(fixture, TestDevices.Cpu, forward, tolerance: 0);
        if (TestDevices.OpenCl(output) is { } gpu)
            OpFixtures.AssertMatches(fixture, gpu, forward, tolerance: 0);
    }
}
