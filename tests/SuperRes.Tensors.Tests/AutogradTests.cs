using SuperRes.Tensors.Autograd;

namespace SuperRes.Tensors.Tests;

public sealed class AutogradTests
{
    private static Device Cpu => TestDevices.Cpu;

    [Fact]
    public void LeafGradientsAccumulateAcrossBackwardPasses()
    {
        using var x = Tensor.FromArray(Cpu, [1, 1, 1, 3], [1f, -2f, 3f], requiresGrad: true);
        using var a = Ops.Relu(x);
        Tape.Backward(a, Tensor.FromArray(Cpu, a.Shape.ToArray(), [1f, 1f, 1f]));
        using var b = Ops.Relu(x);
        Tape.Backward(b, Tensor.FromArray(Cpu, b.Shape.ToArray(), [2f, 2f, 2f]));
        Assert.Equal([3f, 0f, 3f], x.Grad!.ToArray());
    }

    [Fact]
    public void NoGradRecordsNothingAndKeepsNoIntermediates()
    {
        using var x = Tensor.FromArray(Cpu, [1, 1, 1, 2], [1f, 2f], requiresGrad: true);
        using (Tape.NoGrad())
        {
            var y = Ops.Relu(x);
            Assert.False(y.RequiresGrad);
            Assert.Equal(0, Tape.Count);
            y.Dispose();
            Assert.True(y.IsDisposed);
        }
    }

    [Fact]
    public void SavedIntermediatesLiveUntilBackwardThenGo()
    {
        using var x = Tensor.FromArray(Cpu, [1, 1, 1, 2], [1f, -2f], requiresGrad: true);
        var h = Ops.Relu(x);
        var y = Ops.Relu(h);
        h.Dispose();
        Assert.False(h.IsDisposed); // relu(x)'s node saved its output h for the backward pass
        Tape.Backward(y, Tensor.FromArray(Cpu, [1, 1, 1, 2], [5f, 7f]));
        Assert.True(h.IsDisposed);
        Assert.Equal(0, Tape.Count);
        Assert.Equal([5f, 0f], x.Grad!.ToArray());
        y.Dispose();
    }

    [Fact]
    public void BackwardNeedsAScalarAndAGraph()
    {
        using var x = Tensor.FromArray(Cpu, [2], [1f, 2f]);
        Assert.Throws<InvalidOperationException>(() => x.Backward());
        using var s = Tensor.FromArray(Cpu, [1], [1f]);
        Assert.Throws<InvalidOperationException>(() => s.Backward());
    }
}
