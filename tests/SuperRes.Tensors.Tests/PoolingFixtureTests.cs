using Xunit.Abstractions;

namespace SuperRes.Tensors.Tests;

/// <summary>global_avg_pool, channel_mean_std and channel_multiply against PyTorch (tests/fixtures/op_cases/pooling.py).</summary>
[Collection("devices")]
public sealed class PoolingFixtureTests(ITestOutputHelper output)
{
    private const string Group = "pooling";

    public static TheoryData<string> Cases() => OpFixtures.Names(Group);

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string name)
    {
        var fixture = OpFixtures.Load(Group).Single(c => c.Name == name);
        Func<Tensor[], Tensor> forward = fixture.Op switch
        {
            "global_avg_pool" => t => Ops.GlobalAvgPool(t[0]),
            "channel_mean_std" => t => MeanStdOutput(t[0], fixture.String("output")),
            "channel_multiply" => t => Ops.ChannelMultiply(t[0], t[1]),
            _ => throw new InvalidOperationException($"unknown op {fixture.Op} in {name}"),
        };
        OpFixtures.AssertMatches(fixture, TestDevices.Cpu, forward);
        if (TestDevices.OpenCl(output) is { } gpu)
            OpFixtures.AssertMatches(fixture, gpu, forward);
    }

    private static Tensor MeanStdOutput(Tensor x, string which)
    {
        var (mean, std) = Ops.ChannelMeanStd(x);
        switch (which)
        {
            case "mean":
                std.Dispose();
                return mean;
            case "std":
                mean.Dispose();
                return std;
            case "product":
                using (mean)
                using (std)
                    return Ops.ChannelMultiply(mean, std);
            default:
                throw new InvalidOperationException($"unknown channel_mean_std output '{which}'");
        }
    }
}
