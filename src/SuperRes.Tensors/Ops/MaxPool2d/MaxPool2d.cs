using SuperRes.Tensors.Autograd;

namespace SuperRes.Tensors;

public static partial class Ops
{
    /// <summary>
    /// <c>F.max_pool2d(x, kernel, stride)</c> with no padding, floor mode: [N, C, H, W] → [N, C, ⌊(H − k)/s⌋ + 1,
    /// ⌊(W − k)/s⌋ + 1]; the stride defaults to the window size (VGG's 2×2/2). The gradient goes to each window's
    /// first largest value.
    /// </summary>
    public static Tensor MaxPool2d(Tensor x, int kernel = 2, int? stride = null)
    {
        if (x.Shape.Rank != 4)
            throw new ArgumentException($"max_pool2d: input {x.Shape} is not NCHW (rank 4)");
        int s = stride ?? kernel;
        var (n, c, h, w) = (x.Shape.N, x.Shape.C, x.Shape.H, x.Shape.W);
        if (kernel < 1 || s < 1 || h < kernel || w < kernel)
            throw new ArgumentException($"max_pool2d: a {kernel}×{kernel} window with stride {s} does not fit input {x.Shape}");
        var y = Tensor.Empty(x.Device, Shape.Nchw(n, c, Primitives.MaxPool2d.OutputSize(h, kernel, s), Primitives.MaxPool2d.OutputSize(w, kernel, s)));
        Primitives.MaxPool2d.Forward(x.Buffer, y.Buffer, n * c, h, w, kernel, s);
        if (Tape.ShouldRecord(x))
            Tape.Record(new MaxPool2dNode(x, y, kernel, s));
        return y;
    }

    /// <summary>Keeps the input: the backward finds each window's maximum again instead of storing indices.</summary>
    private sealed class MaxPool2dNode : GradNode
    {
        private readonly Tensor _x;
        private readonly int _kernel;
        private readonly int _stride;

        public MaxPool2dNode(Tensor x, Tensor y, int kernel, int stride) : base("max_pool2d", y, x)
        {
            _x = Save(x);
            _kernel = kernel;
            _stride = stride;
        }

        protected internal override void Backward(Tensor gradOutput)
        {
            var shape = _x.Shape;
            var gx = Tensor.Empty(gradOutput.Device, shape);
            Primitives.MaxPool2d.Backward(_x.Buffer, gradOutput.Buffer, gx.Buffer, shape.N * shape.C, shape.H, shape.W, _kernel, _stride);
            Accumulate(0, gx);
        }
    }
}
