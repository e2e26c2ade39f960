using Xunit.Abstractions;

namespace SuperRes.Tensors.Tests;

[Collection("devices")]
public sealed class ChannelFixtureTests(ITestOutputHelper output)
{
    private const string Group = "channels";

    public static TheoryData<string> Cases() => OpFixtures.Names(Group);

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string name)
    {
        var fixture = OpFixtures.Load(Group).Single(c => c.Name == name);
        Func<Tensor[], Tensor> op = fixture.Op switch
        {
            "concat" => Ops.Concat,
            "split" => t => SplitThenConcat(t[0], Ints(fixture, "counts"), Ints(fixture, "order")),
            "channel_affine" => t => Ops.ChannelAffine(t[0], Floats(fixture, "scale"), Floats(fixture, "shift")),
            _ => throw new InvalidOperationException($"{name}: no mapping for op '{fixture.Op}'"),
        };
        OpFixtures.AssertMatches(fixture, TestDevices.Cpu, op);
        if (TestDevices.OpenCl(output) is { } gpu)
            OpFixtures.AssertMatches(fixture, gpu, op);
    }

    private static Tensor SplitThenConcat(Tensor x, int[] counts, int[] order)
    {
        var parts = Ops.Split(x, counts);
        var y = Ops.Concat(order.Select(i => parts[i]).ToArray());
        foreach (var part in parts)
            part.Dispose();
        return y;
    }

    private static int[] Ints(FixtureCase c, string name) => c.Params.GetProperty(name).EnumerateArray().Select(v => v.GetInt32()).ToArray();

    private static float[] Floats(FixtureCase c, string name) => c.Params.GetProperty(name).EnumerateArray().Select(v => v.GetSingle()).ToArray();
}
