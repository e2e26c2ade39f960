namespace SuperRes.Tensors.Tests;

/// <summary>Output sizes of conv2d and conv_transpose2d, and the one-line refusals of shapes and settings they cannot take.</summary>
public sealed class ConvolutionShapeTests
{
    private static Device Cpu => TestDevices.Cpu;

    [Theory]
    [InlineData(7, 13, 1, 3, 7, 13)]
    [InlineData(7, 13, 2, 3, 4, 7)]
    [InlineData(1, 1, 2, 9, 1, 1)]
    [InlineData(8, 6, 2, 1, 4, 3)]
    public void Conv2dOutputSizeIsPyTorchsWithPaddingKOverTwo(int h, int w, int stride, int k, int ho, int wo)
    {
        using var _ = Autograd.Tape.NoGrad();
        using var x = Tensor.Full(Cpu, Shape.Nchw(2, 3, h, w), 0.5f);
        using var weight = Tensor.Full(Cpu, new Shape(5, 3, k, k), 0.1f);
        using var y = Ops.Conv2d(x, weight, null, stride);
        Assert.Equal(Shape.Nchw(2, 5, ho, wo), y.Shape);
    }

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

    [Theory]
    // A weight for another input channel count: both shapes named.
    [InlineData("conv2d", new[] { 1, 3, 8, 8 }, new[] { 16, 4, 3, 3 }, 0, 1, 0, new[] { "[1×3×8×8]", "[16×4×3×3]" })]
    [InlineData("conv_transpose2d", new[] { 1, 3, 4, 4 }, new[] { 4, 2, 3, 3 }, 0, 2, 1, new[] { "[1×3×4×4]", "[4×2×3×3]" })]
    // A bias for another output channel count.
    [InlineData("conv2d", new[] { 1, 3, 4, 4 }, new[] { 2, 3, 3, 3 }, 3, 1, 0, new[] { "[3]", "[2×3×3×3]" })]
    [InlineData("conv_transpose2d", new[] { 1, 3, 4, 4 }, new[] { 3, 2, 3, 3 }, 3, 2, 1, new[] { "[3]", "[3×2×3×3]" })]
    // Kernels that are not square and odd: no "same" padding.
    [InlineData("conv2d", new[] { 1, 3, 4, 4 }, new[] { 2, 3, 3, 2 }, 0, 1, 0, new[] { "[2×3×3×2]" })]
    [InlineData("conv2d", new[] { 1, 3, 4, 4 }, new[] { 3, 3, 5, 3 }, 0, 1, 0, new[] { "[3×3×5×3]" })]
    // Padding that leaves no output.
    [InlineData("conv_transpose2d", new[] { 1, 1, 1, 1 }, new[] { 1, 1, 3, 3 }, 0, 1, 2, new[] { "[1×1×1×1]" })]
    public void RefusesShapesItCannotTakeNamingThem(string op, int[] xShape, int[] weightShape, int biasLength, int stride, int padding, string[] named)
    {
        using var x = Tensor.Full(Cpu, new Shape(xShape), 1f);
        using var weight = Tensor.Full(Cpu, new Shape(weightShape), 1f);
        using var bias = biasLength == 0 ? null : Tensor.Full(Cpu, new Shape(biasLength), 1f);
        var e = Assert.Throws<ArgumentException>(() => Apply(op, x, weight, bias, stride, padding, outputPadding: 0));
        foreach (var name in named)
            Assert.Contains(name, e.Message);
    }

    [Theory]
    [InlineData("conv2d", 0, 0, 0)]
    [InlineData("conv2d", 3, 0, 0)] // conv2d takes strides 1 and 2 only
    [InlineData("conv_transpose2d", 2, 0, 2)]
    [InlineData("conv_transpose2d", 1, 0, 1)]
    [InlineData("conv_transpose2d", 0, 0, 0)]
    [InlineData("conv_transpose2d", 2, -1, 0)]
    public void RefusesBadStridePaddingOrOutputPadding(string op, int stride, int padding, int outputPadding)
    {
        using var x = Tensor.Full(Cpu, Shape.Nchw(1, 1, 4, 4), 1f);
        using var weight = Tensor.Full(Cpu, new Shape(1, 1, 3, 3), 1f);
        Assert.Throws<ArgumentOutOfRangeException>(() => Apply(op, x, weight, null, stride, padding, outputPadding));
    }

    /// <summary>conv2d pads K/2 itself, so it takes no padding; the transposed convolution takes all three settings.</summary>
    private static Tensor Apply(string op, Tensor x, Tensor weight, Tensor? bias, int stride, int padding, int outputPadding) => op switch
    {
        "conv2d" => Ops.Conv2d(x, weight, bias, stride),
        _ => Ops.ConvTranspose2d(x, weight, bias, stride, padding, outputPadding),
    };
}
