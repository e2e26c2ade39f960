namespace SuperRes.Tensors.Tests;

public sealed class ActivationShapeTests
{
    private static Device Cpu => TestDevices.Cpu;

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void PreluRefusesASlopeCountThatIsNeitherOneNorTheChannels(int slopes)
    {
        using var x = Tensor.Full(Cpu, Shape.Nchw(1, 3, 2, 2), 1f);
        using var slope = Tensor.Full(Cpu, new Shape(slopes), 0.25f);
        var e = Assert.Throws<ArgumentException>(() => Ops.Prelu(x, slope));
        Assert.Contains("[1×3×2×2]", e.Message);
        Assert.Contains($"[{slopes}]", e.Message);
    }
}
