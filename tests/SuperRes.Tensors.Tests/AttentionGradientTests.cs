using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Tests;

public sealed class AttentionGradientTests
{
    [Theory]
    [InlineData(2, 3, 5, 7)]
    [InlineData(1, 2, 20, 17)]
    [InlineData(3, 4, 1, 1)]
    public void ChannelMultiplyGradientsMatchFloat64FiniteDifferences(int n, int c, int h, int w)
    {
        var rng = new Random(31);
        int[] shape = [n, c, h, w];
        int hw = h * w;
        var x = RandomData.Uniform(rng, n * c * hw);
        var a = RandomData.Uniform(rng, n * c);
        var g = RandomData.Uniform(rng, x.Length);
        Float64GradCheck.Verify([new(shape, x), new([n, c, 1, 1], a)],
            xs => xs[0].Select((v, i) => v * xs[1][i / hw]).ToArray(),
            t => Ops.ChannelMultiply(t[0], t[1]), g);
    }

    [Fact]
    public void WeightsOfTheWrongShapeAreRefusedNamingBothShapes()
    {
        var cpu = TestDevices.Cpu;
        using var x = Tensor.FromArray(cpu, [1, 3, 2, 2], RandomData.Uniform(new Random(32), 12));
        using var a = Tensor.FromArray(cpu, [1, 4, 1, 1], [1f, 2f, 3f, 4f]);
        var message = Assert.Throws<ArgumentException>(() => Ops.ChannelMultiply(x, a)).Message;
        Assert.Contains("[1×3×2×2]", message);
        Assert.Contains("[1×4×1×1]", message);
    }
}
