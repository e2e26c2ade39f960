namespace SuperRes.Tensors.Tests;

public sealed class ConvTranspose2dShapeTests
{
    private static Device Cpu => TestDevices.Cpu;

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void FsrcnnUpsamplerGivesExactlyScaleTimesTheInput(int scale)
    {
        using var _ = Autograd.Tape.NoGrad();
        using var x = Tensor.Full(Cpu, Shape.Nchw(2, 3, 7, 5), 0.5f);
        using var weight = Tensor.Full(Cpu, new Shape(3, 1, 9, 9), 0.1f);
        using var bias = Tensor.Full(Cpu, new Shape(1), 0.2f);
        using var y = Ops.ConvTranspose2d(x, weight, bias, stride: scale, padding: 4, outputPadding: scale - 1);
        Assert.Equal(Shape.Nchw(2, 1, 7 * scale, 5 * scale), y.Shape);
    }

    [Fact]
    public void RefusesAWeightForAnotherInputChannelCountNamingBothShapes()
    {
        using var x = Tensor.Full(Cpu, Shape.Nchw(1, 3, 4, 4), 1f);
        using var weight = Tensor.Full(Cpu, new Shape(4, 2, 3, 3), 1f);
        var e = Assert.Throws<ArgumentException>(() => Ops.ConvTranspose2d(x, weight, null, 2, 1));
        Assert.Contains("[1×3×4×4]", e.Message);
        Assert.Contains("[4×2×3×3]", e.Message);
    }

    [Fact]
    public void RefusesABiasForAnotherOutputChannelCount()
    {
        using var x = Tensor.Full(Cpu, Shape.Nchw(1, 3, 4, 4), 1f);
        using var weight = Tensor.Full(Cpu, new Shape(3, 2, 3, 3), 1f);
        using var bias = Tensor.Full(Cpu, new Shape(3), 1f);
        var e = Assert.Throws<ArgumentException>(() => Ops.ConvTranspose2d(x, weight, bias, 2, 1));
        Assert.Contains("[3]", e.Message);
        Assert.Contains("[3×2×3×3]", e.Message);
    }

    [Theory]
    [InlineData(2, 0, 2)]
    [InlineData(1, 0, 1)]
    [InlineData(0, 0, 0)]
    [InlineData(2, -1, 0)]
    public void RefusesBadStridePaddingOrOutputPadding(int stride, int padding, int outputPadding)
    {
        using var x = Tensor.Full(Cpu, Shape.Nchw(1, 1, 4, 4), 1f);
        using var weight = Tensor.Full(Cpu, new Shape(1, 1, 3, 3), 1f);
        Assert.Throws<ArgumentOutOfRangeException>(() => Ops.ConvTranspose2d(x, weight, null, stride, padding, outputPadding));
    }

    [Fact]
    public void RefusesPaddingThatLeavesNoOutput()
    {
        using var x = Tensor.Full(Cpu, Shape.Nchw(1, 1, 1, 1), 1f);
        using var weight = Tensor.Full(Cpu, new Shape(1, 1, 3, 3), 1f);
        var e = Assert.Throws<ArgumentException>(() => Ops.ConvTranspose2d(x, weight, null, 1, 2));
        Assert.Contains("[1×1×1×1]", e.Message);
    }
}
