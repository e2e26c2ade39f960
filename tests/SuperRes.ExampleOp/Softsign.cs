using SuperRes.Tensors;
using SuperRes.Tensors.Autograd;

namespace SuperRes.ExampleOp;

public static class ExampleOps
{
    /// <summary>softsign(x) = x / (1 + |x|), element-wise, with its gradient on the tape.</summary>
    public static Tensor Softsign(Tensor x)
    {
        var y = Tensor.Empty(x.Device, x.Shape);
        SoftsignBuffers.Forward(x.Buffer, y.Buffer, x.Length);
        if (Tape.ShouldRecord(x))
            Tape.Record(new SoftsignNode(x, y));
        return y;
    }

    private sealed class SoftsignNode : GradNode
    {
        private readonly Tensor _x;

        public SoftsignNode(Tensor x, Tensor y) : base("softsign", y, x) => _x = Save(x);

        protected override void Backward(Tensor gradOutput)
        {
            var gx = Tensor.Empty(gradOutput.Device, gradOutput.Shape);
            SoftsignBuffers.Backward(_x.Buffer, gradOutput.Buffer, gx.Buffer, gx.Length);
            Accumulate(0, gx);
        }
    }
}
