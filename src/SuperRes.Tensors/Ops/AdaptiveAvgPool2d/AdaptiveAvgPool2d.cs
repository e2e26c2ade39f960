using SuperRes.Tensors.Autograd;

namespace SuperRes.Tensors;

public static partial class Ops
{
    /// <summary>
    /// <c>F.adaptive_avg_pool2d(x, (height, width))</c>: [N, C, H, W] → [N, C, height, width], bin (i, j) the mean of
    /// rows ⌊i·H/height⌋ … ⌈(i+1)·H/height⌉ − 1 and the columns likewise (bins overlap when the sizes do not divide;
    /// an input smaller than the output repeats values). An input already of the output size comes back as a copy.
    /// </summary>
    public static Tensor AdaptiveAvgPool2d(Tensor x, int height, int width)
    {
        if (x.Shape.Rank != 4)
            throw new ArgumentException($"adaptive_avg_pool2d: input {x.Shape} is not NCHW (rank 4)");
        if (height < 1 || width < 1)
            throw new ArgumentException($"adaptive_avg_pool2d: output size {height}×{width} must be at least 1×1");
        var shape = x.Shape;
        var y = Tensor.Empty(x.Device, Shape.Nchw(shape.N, shape.C, height, width));
        Primitives.AdaptiveAvgPool2d.Forward(x.Buffer, y.Buffer, shape.N * shape.C, shape.H, shape.W, height, width);
        if (Tape.ShouldRecord(x))
            Tape.Record(new AdaptiveAvgPool2dNode(x, y));
        return y;
    }

    private sealed class AdaptiveAvgPool2dNode(Tensor x, Tensor y) : GradNode("adaptive_avg_pool2d", y, x)
    {
        private readonly Shape _inputShape = x.Shape;

        protected internal override void Backward(Tensor gradOutput)
        {
            var (s, o) = (_inputShape, Output.Shape);
            var gx = Tensor.Empty(gradOutput.Device, s);
            Primitives.AdaptiveAvgPool2d.Backward(gradOutput.Buffer, gx.Buffer, s.N * s.C, s.H, s.W, o.H, o.W);
            Accumulate(0, gx);
        }
    }
}
