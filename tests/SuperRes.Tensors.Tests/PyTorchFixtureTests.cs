using SuperRes.Tensors.Checks;
using Xunit.Abstractions;

namespace SuperRes.Tensors.Tests;

/// <summary>
/// Every case of tests/fixtures/ops/*.json (PyTorch's outputs and gradients, written by tests/fixtures/make_op_fixtures.py
/// from tests/fixtures/op_cases/*.py) against the public <see cref="Ops"/> API, on the Cpu device and on OpenCL when
/// present. <see cref="Table"/> has one line per op: the fixture's op name → the call with the fixture's
/// parameters, and the accepted relative error. Adding an op means adding its fixture cases and one line here.
/// </summary>
[Collection("devices")]
public sealed class PyTorchFixtureTests(ITestOutputHelper output)
{
    /// <summary>How to run one fixture case: its inputs in file order go in, the output to compare comes out.</summary>
    public sealed record FixtureOp(Func<FixtureCase, Func<Tensor[], Tensor>> Call, double Tolerance = 1e-4);

    // Permutations of the values: exact on every device.
    private const double Exact = 0;

    public static readonly IReadOnlyDictionary<string, FixtureOp> Table = new Dictionary<string, FixtureOp>
    {
        ["relu"] = new(f => t => Ops.Relu(t[0])),
        ["leaky_relu"] = new(f => t => Ops.LeakyRelu(t[0], f.Float("slope"))),
        ["prelu"] = new(f => t => Ops.Prelu(t[0], t[1])),
        ["sigmoid"] = new(f => t => Ops.Sigmoid(t[0])),
        ["tanh"] = new(f => t => Ops.Tanh(t[0])),
        ["add"] = new(f => t => Ops.Add(t[0], t[1])),
        ["subtract"] = new(f => t => Ops.Subtract(t[0], t[1])),
        ["scale"] = new(f => t => Ops.Scale(t[0], f.Float("s"))),
        ["residual_add"] = new(f => t => Ops.ResidualAdd(t[0], t[1], f.Float("scale"))),
        ["multiply"] = new(f => t => Ops.Multiply(t[0], t[1])),
        ["concat"] = new(f => Ops.Concat),
        ["split"] = new(f => t => ChannelDraws.SplitThenConcat(t[0], f.Ints("counts"), f.Ints("order"))),
        ["channel_affine"] = new(f => t => Ops.ChannelAffine(t[0], f.Floats("scale"), f.Floats("shift"))),
        ["l1_loss"] = new(f => t => Ops.L1Loss(t[0], t[1])),
        ["mse_loss"] = new(f => t => Ops.MseLoss(t[0], t[1])),
        ["sum"] = new(f => t => Ops.Sum(t[0])),
        ["mean"] = new(f => t => Ops.Mean(t[0])),
        ["pixel_shuffle"] = new(f => t => Ops.PixelShuffle(t[0], f.Int("r")), Exact),
        ["pixel_unshuffle"] = new(f => t => Ops.PixelUnshuffle(t[0], f.Int("r")), Exact),
        ["global_avg_pool"] = new(f => t => Ops.GlobalAvgPool(t[0])),
        ["channel_mean_std"] = new(f => t => FixtureCalls.MeanStdOutput(t[0], f.String("output"))),
        ["channel_multiply"] = new(f => t => Ops.ChannelMultiply(t[0], t[1])),
        ["conv2d"] = new(f => t => Ops.Conv2d(t[0], t[1], f.HasInput("bias") ? t[2] : null, f.Int("stride"), FixtureCalls.Padding(f))),
        ["conv_transpose2d"] = new(f => t => Ops.ConvTranspose2d(t[0], t[1], f.HasInput("bias") ? t[2] : null, f.Int("stride"), f.Int("padding"), f.Int("output_padding"))),
        ["batch_norm2d"] = new(f => t => Ops.BatchNorm2d(t[0], t[1], t[2], t[3], t[4], f.Bool("training"), f.Float("momentum"), f.Float("eps"))),
        ["batch_norm2d_running_stats"] = new(f => t => FixtureCalls.UpdatedRunningStats(t, f.Float("momentum"))),
        ["linear"] = new(f => t => Ops.Linear(t[0], t[1], f.HasInput("bias") ? t[2] : null)),
        ["flatten"] = new(f => t => Ops.Flatten(t[0]), Exact),
        ["bce_with_logits"] = new(f => t => Ops.BceWithLogitsLoss(t[0], t[1])),
        ["max_pool2d"] = new(f => t => Ops.MaxPool2d(t[0], f.Int("k"), f.Int("s"))),
        ["adaptive_avg_pool2d"] = new(f => t => Ops.AdaptiveAvgPool2d(t[0], f.Int("h"), f.Int("w"))),
    };

    public static TheoryData<string, string> Cases() => OpFixtures.AllNames();

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string group, string name)
    {
        var fixture = OpFixtures.Load(group).Single(c => c.Name == name);
        Assert.True(Table.TryGetValue(fixture.Op, out var op), $"{group}/{name}: op '{fixture.Op}' has no line in the fixture table");
        var forward = op.Call(fixture);
        OpFixtures.AssertMatches(fixture, TestDevices.Cpu, forward, op.Tolerance);
        if (TestDevices.OpenCl(output) is { } gpu)
            OpFixtures.AssertMatches(fixture, gpu, forward, op.Tolerance);
    }

    [Fact]
    public void EveryTableLineHasFixtureCases()
    {
        var covered = OpFixtures.Groups().SelectMany(OpFixtures.Load).Select(c => c.Op).ToHashSet();
        Assert.DoesNotContain(Table.Keys, op => !covered.Contains(op));
    }
}

/// <summary>Calls of the fixture table that take more than one line.</summary>
internal static class FixtureCalls
{
    public static PaddingMode Padding(FixtureCase f) => f.String("padding") switch
    {
        "zeros" => PaddingMode.Zeros,
        "replicate" => PaddingMode.Replicate,
        var other => throw new InvalidDataException($"{f.Name}: unknown padding '{other}'"),
    };

    /// <summary>One of channel_mean_std's outputs, or their product (which takes gradients through both).</summary>
    public static Tensor MeanStdOutput(Tensor x, string which)
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

    /// <summary>One training call, then [running_mean, running_var] as one tensor (the fixture's output).</summary>
    public static Tensor UpdatedRunningStats(Tensor[] t, float momentum)
    {
        Ops.BatchNorm2d(t[0], t[1], t[2], t[3], t[4], training: true, momentum, 1e-5f).Dispose();
        return Tensor.FromArray(t[3].Device, [2 * t[3].Shape[0]], [.. t[3].ToArray(), .. t[4].ToArray()]);
    }
}
