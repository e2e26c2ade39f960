namespace SuperRes.Tensors.Tests;

public sealed class PixelShuffleShapeTests
{
    private static Device Cpu => TestDevices.Cpu;

    [Theory]
    [InlineData(2, 6)]
    [InlineData(3, 12)]
    [InlineData(4, 8)]
    public void ShuffleRefusesChannelsNotDivisibleByRSquared(int r, int channels)
    {
        using var x = Tensor.Full(Cpu, Shape.Nchw(1, channels, 2, 2), 1f);
        var e = Assert.Throws<ArgumentException>(() => Ops.PixelShuffle(x, r));
        Assert.Contains($"[1×{channels}×2×2]", e.Message);
        Assert.Contains($"r² = {r * r}", e.Message);
    }

    [Theory]
    [InlineData(2, 4, 5)]
    [InlineData(3, 4, 6)]
    public void UnshuffleRefusesSidesNotDivisibleByR(int r, int h, int w)
    {
        using var x = Tensor.Full(Cpu, Shape.Nchw(1, 2, h, w), 1f);
        var e = Assert.Throws<ArgumentException>(() => Ops.PixelUnshuffle(x, r));
        Assert.Contains($"[1×2×{h}×{w}]", e.Message);
        Assert.Contains($"r = {r}", e.Message);
    }

    [Fact]
    public void ShapesFollowPyTorch()
    {
        using var _ = Autograd.Tape.NoGrad();
        using var deep = Tensor.Full(Cpu, Shape.Nchw(2, 36, 5, 3), 1f);
        using var wide = Ops.PixelShuffle(deep, 3);
        Assert.Equal(Shape.Nchw(2, 4, 15, 9), wide.Shape);
        using var back = Ops.PixelUnshuffle(wide, 3);
        Assert.Equal(deep.Shape, back.Shape);
    }
}
