using SuperRes.Tensors.Autograd;

namespace SuperRes.Tensors.Tests;

/// <summary>A tensor used more than once in one graph gets the sum of the gradients of every use.</summary>
public sealed class AutogradAccumulationTests
{
    private static Device Cpu => TestDevices.Cpu;

    [Fact]
    public void AddOfTheSameReluTwiceDoublesTheGradient()
    {
        using var x = Tensor.FromArray(Cpu, [1, 1, 1, 4], [1f, -2f, 3f, 0.5f], requiresGrad: true);
        using var y = Ops.Add(Ops.Relu(x), Ops.Relu(x));
        Tape.Backward(y, Tensor.FromArray(Cpu, [1, 1, 1, 4], [1f, 2f, 3f, 4f]));
        Assert.Equal([2f, 0f, 6f, 8f], x.Grad!.ToArray());
    }

    [Fact]
    public void MultiplyOfATensorWithItselfGivesTwiceItsValue()
    {
        using var x = Tensor.FromArray(Cpu, [1, 1, 1, 3], [1.5f, -2f, 0.25f], requiresGrad: true);
        using var y = Ops.Multiply(x, x);
        Tape.Backward(y, Tensor.FromArray(Cpu, [1, 1, 1, 3], [1f, 1f, -2f]));
        Assert.Equal([3f, -4f, -1f], x.Grad!.ToArray());
    }

    [Fact]
    public void SplitPartsUsedTwiceOrNotAtAllAddIntoTheirChannelRanges()
    {
        // x has channels [a | b b]; y = concat(b, b, a): b's gradient is the sum of its two uses.
        using var x = Tensor.FromArray(Cpu, [1, 3, 1, 1], [10f, 20f, 30f], requiresGrad: true);
        var parts = Ops.Split(x, 1, 2);
        using var y = Ops.Concat(parts[1], parts[1], parts[0]);
        Assert.Equal([20f, 30f, 20f, 30f, 10f], y.ToArray());
        Tape.Backward(y, Tensor.FromArray(Cpu, [1, 5, 1, 1], [1f, 2f, 3f, 4f, 5f]));
        Assert.Equal([5f, 4f, 6f], x.Grad!.ToArray());

        var again = Ops.Split(x, 2, 1);
        Tape.Backward(again[1], Tensor.FromArray(Cpu, [1, 1, 1, 1], [7f]));
        Assert.Equal([5f, 4f, 13f], x.Grad!.ToArray()); // a second backward pass adds onto the leaf's gradient
        foreach (var part in parts.Concat(again))
            part.Dispose();
    }

    [Fact]
    public void ASharedPreluSlopeCollectsTheGradientOfEveryUse()
    {
        using var x = Tensor.FromArray(Cpu, [1, 1, 1, 2], [-1f, 2f]);
        using var slope = Tensor.FromArray(Cpu, [1], [0.25f], requiresGrad: true);
        using var y = Ops.Prelu(Ops.Prelu(x, slope), slope); // y = a²·x for x < 0
        Tape.Backward(y, Tensor.FromArray(Cpu, [1, 1, 1, 2], [1f, 1f]));
        Assert.Equal([-0.5f], slope.Grad!.ToArray()); // d(a²·x)/da = 2a·x
    }
}
