using SuperRes.Tensors.Autograd;
using SuperRes.Tensors.Primitives;

namespace SuperRes.Tensors;

public static partial class Ops
{
    /// <summary>
    /// The same values in row-major order under another shape of the same length (<c>torch.reshape</c>). Tensors
    /// own their buffers, so this is a copy (elementwise.cl's copy on every backend), not a view; its gradient is
    /// the upstream gradient copied back under the input's shape.
    /// </summary>
    public static Tensor Reshape(Tensor x, Shape shape)
    {
        if (shape.Length != x.Length)
            throw new ArgumentException($"reshape: {x.Shape} ({x.Length} values) cannot become {shape} ({shape.Length} values)");
        var y = Tensor.Empty(x.Device, shape);
        Elementwise.Copy(x.Buffer, y.Buffer, x.Length);
        if (Tape.ShouldRecord(x))
            Tape.Record(new ReshapeNode(x, y));
        return y;
    }

    /// <summary>[N, d1, d2, …] → [N, d1·d2·…]: <c>torch.flatten(x, 1)</c>, what a dense layer after convolutions takes.</summary>
    public static Tensor Flatten(Tensor x)
    {
        if (x.Shape.Rank < 2)
            throw new ArgumentException($"flatten: input {x.Shape} has no dimension after the batch");
        return Reshape(x, new Shape(x.Shape[0], checked((int)(x.Length / x.Shape[0]))));
    }

    private sealed class ReshapeNode(Tensor x, Tensor y) : GradNode("reshape", y, x)
    {
        private readonly Shape _inputShape = x.Shape;

        protected internal override void Backward(Tensor gradOutput)
        {
            var gx = Tensor.Empty(gradOutput.Device, _inputShape);
            Elementwise.Copy(gradOutput.Buffer, gx.Buffer, gx.Length);
            Accumulate(0, gx);
        }
    }
}
