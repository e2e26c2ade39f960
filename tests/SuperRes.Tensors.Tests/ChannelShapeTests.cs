namespace SuperRes.Tensors.Tests;

public sealed class ChannelShapeTests
{
    private static Device Cpu => TestDevices.Cpu;

    [Fact]
    public void ConcatRefusesPartsThatDifferInMoreThanChannels()
    {
        using var a = Tensor.Full(Cpu, Shape.Nchw(1, 2, 4, 4), 1f);
        using var b = Tensor.Full(Cpu, Shape.Nchw(1, 3, 4, 5), 1f);
        var e = Assert.Throws<ArgumentException>(() => Ops.Concat(a, b));
        Assert.Contains("[1×2×4×4]", e.Message);
        Assert.Contains("[1×3×4×5]", e.Message);
    }

    [Theory]
    [InlineData(new[] { 1, 1 })]
    [InlineData(new[] { 2, 2 })]
    [InlineData(new[] { 3, 0 })]
    public void SplitRefusesCountsThatDoNotCutTheChannels(int[] counts)
    {
        using var x = Tensor.Full(Cpu, Shape.Nchw(1, 3, 2, 2), 1f);
        var e = Assert.Throws<ArgumentException>(() => Ops.Split(x, counts));
        Assert.Contains("[1×3×2×2]", e.Message);
    }

    [Fact]
    public void ChannelAffineRefusesCoefficientsForAnotherChannelCount()
    {
        using var x = Tensor.Full(Cpu, Shape.Nchw(1, 3, 2, 2), 1f);
        var e = Assert.Throws<ArgumentException>(() => Ops.ChannelAffine(x, [1f, 1f], [0f, 0f]));
        Assert.Contains("[1×3×2×2]", e.Message);
    }
}
