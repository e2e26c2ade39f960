using SuperRes.Tensors.Autograd;
using SuperRes.Tensors.Primitives;

namespace SuperRes.Tensors;

public static partial class Ops
{
    /// <summary>max(x, 0), element-wise.</summary>
    public static Tensor Relu(Tensor x) => Unary(x, Elementwise.Relu, y => new ReluNode(x, y));

    /// <summary>
    /// An element-wise op of one tensor: <paramref name="run"/>(x, y, n) fills y, shaped like x; <paramref name="node"/>(y)
    /// builds the gradient node when the tape records.
    /// </summary>
    private static Tensor Unary(Tensor x, Action<DeviceBuffer, DeviceBuffer, long> run, Func<Tensor, GradNode> node)
    {
        var y = Tensor.Empty(x.Device, x.Shape);
        run(x.Buffer, y.Buffer, x.Length);
        if (Tape.ShouldRecord(x))
            Tape.Record(node(y));
        return y;
    }

    /// <summary>An element-wise op of two tensors of one shape, named <paramref name="op"/> in errors: as <see cref="Unary"/>.</summary>
    private static Tensor Binary(string op, Tensor a, Tensor b, Action<DeviceBuffer, DeviceBuffer, DeviceBuffer, long> run, Func<Tensor, GradNode> node)
    {
        if (!a.Shape.Equals(b.Shape))
            throw new ArgumentException($"{op}: shapes {a.Shape} and {b.Shape} differ");
        var y = Tensor.Empty(a.Device, a.Shape);
        run(a.Buffer, b.Buffer, y.Buffer, a.Length);
        if (Tape.ShouldRecord(a, b))
            Tape.Record(node(y));
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
