using SuperRes.Tensors.Autograd;
using SuperRes.Tensors.Primitives;

namespace SuperRes.Tensors;

public static partial class Ops
{
    /// <summary>max(x, 0), element-wise.</summary>
    public static Tensor Relu(Tensor x)
    {
        var y = Tensor.Empty(x.Device, x.Shape);
        Elementwise.Relu(x.Buffer, y.Buffer, x.Length);
        if (Tape.ShouldRecord(x))
            Tape.Record(new ReluNode(x, y));
        return y;
    }

    private sealed class ReluNode : GradNode
    {
        private readonly Tensor _y;

        public ReluNode(Tensor x, Tensor y) : base("relu", y, x) => _y = Save(y);

        protected internal override void Backward(Tensor gradOutput)
        {
            var gx = Tensor.Empty(gradOutput.Device, gradOutput.Shape);
            Elementwise.ReluBackward(_y.Buffer, gradOutput.Buffer, gx.Buffer, gx.Length);
            Accumulate(0, gx);
        }
    }
}
