using SuperRes.Tensors.Autograd;
using SuperRes.Tensors.Primitives;

namespace SuperRes.Tensors;

public static partial class Ops
{
    /// <summary>Σ x as a [1] tensor.</summary>
    public static Tensor Sum(Tensor x)
    {
        var y = Tensor.Empty(x.Device, new Shape(1));
        Reduce.Sum(x.Buffer, x.Length, y.Buffer);
        if (Tape.ShouldRecord(x))
            Tape.Record(new BroadcastNode("sum", x, y, 1f));
        return y;
    }

    /// <summary>mean x as a [1] tensor.</summary>
    public static Tensor Mean(Tensor x)
    {
        var y = Tensor.Empty(x.Device, new Shape(1));
        float scale = 1f / x.Length;
        Reduce.Sum(x.Buffer, x.Length, y.Buffer);
        Elementwise.Scale(y.Buffer, scale, y.Buffer, 1);
        if (Tape.ShouldRecord(x))
            Tape.Record(new BroadcastNode("mean", x, y, scale));
        return y;
    }

    /// <summary>Backward of a reduction to one value: every element of x gets scale·gy, with gy read on the device.</summary>
    private sealed class BroadcastNode(string name, Tensor x, Tensor y, float scale) : GradNode(name, y, x)
    {
        protected internal override void Backward(Tensor gradOutput)
        {
            var gx = Tensor.Empty(gradOutput.Device, Inputs[0].Shape);
            Arithmetic.BroadcastScalar(gradOutput.Buffer, scale, gx.Buffer, gx.Length);
            Accumulate(0, gx);
        }
    }
}
