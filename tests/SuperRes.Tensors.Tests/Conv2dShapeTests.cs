namespace SuperRes.Tensors.Tests;

public sealed class Conv2dShapeTests
{
    private static Device Cpu => TestDevices.Cpu;

    [Theory]
    [InlineData(7, 13, 1, 3, 7, 13)]
    [InlineData(7, 13, 2, 3, 4, 7)]
    [InlineData(1, 1, 2, 9, 1, 1)]
    [InlineData(8, 6, 2, 1, 4, 3)]
    public void OutputSizeIsPyTorchsWithPaddingKOverTwo(int h, int w, int stride, int k, int ho, int wo)
    {
        using var _ = Autograd.Tape.NoGrad();
        using var x = Tensor.Full(Cpu, Shape.Nchw(2, 3, h, w), 0.5f);
        using var weight = Tensor.Full(Cpu, new Shape(5, 3, k, k), 0.1f);
        using var y = Ops.Conv2d(x, weight, null, stride);
        Assert.Equal(Shape.Nchw(2, 5, ho, wo), y.Shape);
    }

    [Fact]
    public void RefusesAWeightForAnotherInputChannelCountNamingBothShapes()
    {
        using var x = Tensor.Full(Cpu, Shape.Nchw(1, 3, 8, 8), 1f);
        using var weight = Tensor.Full(Cpu, new Shape(16, 4, 3, 3), 1f);
        var e = Assert.Throws<ArgumentException>(() => Ops.Conv2d(x, weight, null));
        Assert.Contains("[1×3×8×8]", e.Message);
        Assert.Contains("[16×4×3×3]", e.Message);
    }

    [Fact]
    public void RefusesABiasForAnotherOutputChannelCount()
    {
        using var x = Tensor.Full(Cpu, Shape.Nchw(1, 3, 4, 4), 1f);
        using var weight = Tensor.Full(Cpu, new Shape(2, 3, 3, 3), 1f);
        using var bias = Tensor.Full(Cpu, new Shape(3), 1f);
        var e = Assert.Throws<ArgumentException>(() => Ops.Conv2d(x, weight, bias));
        Assert.Contains("[3]", e.Message);
        Assert.Contains("[2×3×3×3]", e.Message);
    }

    [Theory]
    [InlineData(2, 3, 2)] // even kernel: no "same" padding
    [InlineData(3, 5, 3)] // not square
    public void RefusesKernelsThatAreNotSquareAndOdd(int cout, int kh, int kw)
    {
        using var x = Tensor.Full(Cpu, Shape.Nchw(1, 3, 4, 4), 1f);
        using var weight = Tensor.Full(Cpu, new Shape(cout, 3, kh, kw), 1f);
        var e = Assert.Throws<ArgumentException>(() => Ops.Conv2d(x, weight, null));
        Assert.Contains($"[{cout}×3×{kh}×{kw}]", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void RefusesStridesOtherThanOneAndTwo(int stride)
    {
        using var x = Tensor.Full(Cpu, Shape.Nchw(1, 1, 4, 4), 1f);
        using var weight = Tensor.Full(Cpu, new Shape(1, 1, 3, 3), 1f);
        Assert.Throws<ArgumentOutOfRangeException>(() => Ops.Conv2d(x, weight, null, stride));
    }
}
