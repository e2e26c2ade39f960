using SuperRes.Tensors.Autograd;
using SuperRes.Tensors.Primitives;

namespace SuperRes.Tensors;

public static partial class Ops
{
    /// <summary>
    /// x [N, C, H, W] · a [N, C, 1, 1], each channel plane scaled by its own weight (RCAN's channel attention,
    /// <c>x * a</c> with broadcasting).
    /// </summary>
    public static Tensor ChannelMultiply(Tensor x, Tensor a)
    {
        var (planes, hw) = PlaneSizes("channel_multiply", x);
        if (!a.Shape.Equals(PlaneShape(x)))
            throw new ArgumentException($"channel_multiply: input {x.Shape} needs channel weights of shape {PlaneShape(x)}, got {a.Shape}");
        var y = Tensor.Empty(x.Device, x.Shape);
        Pooling.PlaneMultiply(x.Buffer, a.Buffer, y.Buffer, planes, hw);
        if (Tape.ShouldRecord(x, a))
            Tape.Record(new ChannelMultiplyNode(x, a, y));
        return y;
    }

    private sealed class ChannelMultiplyNode : GradNode
    {
        // Each gradient needs only the other factor, so a factor is kept only when the other one needs a gradient.
        private readonly Tensor? _x;
        private readonly Tensor? _a;

        public ChannelMultiplyNode(Tensor x, Tensor a, Tensor y) : base("channel_multiply", y, x, a)
        {
            _x = a.RequiresGrad ? Save(x) : null;
            _a = x.RequiresGrad ? Save(a) : null;
        }

        protected internal override void Backward(Tensor gradOutput)
        {
            var shape = gradOutput.Shape;
            int planes = shape.N * shape.C, hw = shape.H * shape.W;
            if (NeedsGrad(0))
            {
                var gx = Tensor.Empty(gradOutput.Device, shape);
                Pooling.PlaneMultiply(gradOutput.Buffer, _a!.Buffer, gx.Buffer, planes, hw);
                Accumulate(0, gx);
            }
            if (NeedsGrad(1))
            {
                var ga = Tensor.Empty(gradOutput.Device, Shape.Nchw(shape.N, shape.C, 1, 1));
                Pooling.PlaneDot(gradOutput.Buffer, _x!.Buffer, ga.Buffer, planes, hw);
                Accumulate(1, ga);
            }
        }
    }
}
