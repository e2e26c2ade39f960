using SuperRes.Tensors.Autograd;
using SuperRes.Tensors.Primitives;

namespace SuperRes.Tensors;

public static partial class Ops
{
    /// <summary>x where x &gt; 0, else <paramref name="slope"/>·x, element-wise.</summary>
    public static Tensor LeakyRelu(Tensor x, float slope) =>
        Unary(x, (p, y, n) => Activations.LeakyRelu(p, slope, y, n), y => new LeakyReluNode(x, slope, y));

    /// <summary>
    /// x where x &gt; 0, else slope·x, with a learned <paramref name="slope"/> of shape [1] (shared) or [C]
    /// (one per channel of x, whose axis 1 is the channel axis).
    /// </summary>
    public static Tensor Prelu(Tensor x, Tensor slope)
    {
        var (slopes, plane) = PreluLayout(x, slope);
        var y = Tensor.Empty(x.Device, x.Shape);
        Activations.Prelu(x.Buffer, slope.Buffer, slopes, plane, y.Buffer, x.Length);
        if (Tape.ShouldRecord(x, slope))
            Tape.Record(new PreluNode(x, slope, slopes, plane, y));
        return y;
    }

    /// <summary>1 / (1 + e^−x), element-wise.</summary>
    public static Tensor Sigmoid(Tensor x) =>
        Unary(x, Activations.Sigmoid, y => new FromOutputNode("sigmoid", x, y, Activations.SigmoidBackward));

    public static Tensor Tanh(Tensor x) =>
        Unary(x, Activations.Tanh, y => new FromOutputNode("tanh", x, y, Activations.TanhBackward));

    /// <summary>(slopes, plane) for <see cref="Activations.Prelu"/>: one slope over everything, or one per channel plane.</summary>
    private static (int Slopes, int Plane) PreluLayout(Tensor x, Tensor slope)
    {
        if (slope.Shape.Rank != 1)
            throw new ArgumentException($"prelu: slope {slope.Shape} must have shape [1] or [C]");
        if (slope.Length == 1)
            return (1, checked((int)x.Length));
        if (x.Shape.Rank < 2 || x.Shape[1] != slope.Length)
            throw new ArgumentException($"prelu: input {x.Shape} has {(x.Shape.Rank < 2 ? "no channel axis" : $"{x.Shape[1]} channels")} but slope {slope.Shape} has {slope.Length} slopes");
        return ((int)slope.Length, checked((int)(x.Length / x.Shape[0] / x.Shape[1])));
    }

    private sealed class LeakyReluNode : GradNode
    {
        private readonly Tensor _x;
        private readonly float _slope;

        public LeakyReluNode(Tensor x, float slope, Tensor y) : base("leaky_relu", y, x)
        {
            _x = Save(x);
            _slope = slope;
        }

        protected internal override void Backward(Tensor gradOutput)
        {
            var gx = Tensor.Empty(gradOutput.Device, gradOutput.Shape);
            Activations.LeakyReluBackward(_x.Buffer, _slope, gradOutput.Buffer, gx.Buffer, gx.Length);
            Accumulate(0, gx);
        }
    }

    private sealed class PreluNode : GradNode
    {
        private readonly Tensor _x;
        private readonly Tensor _slope;
        private readonly int _slopes;
        private readonly int _plane;

        public PreluNode(Tensor x, Tensor slope, int slopes, int plane, Tensor y) : base("prelu", y, x, slope)
        {
            _x = Save(x);
            _slope = Save(slope);
            _slopes = slopes;
            _plane = plane;
        }

        protected internal override void Backward(Tensor gradOutput)
        {
            if (NeedsGrad(0))
            {
                var gx = Tensor.Empty(gradOutput.Device, gradOutput.Shape);
                Activations.PreluBackward(_x.Buffer, _slope.Buffer, _slopes, _plane, gradOutput.Buffer, gx.Buffer, gx.Length);
                Accumulate(0, gx);
            }
            if (NeedsGrad(1))
            {
                var gs = Tensor.Empty(gradOutput.Device, _slope.Shape);
                Activations.PreluSlopeGradient(_x.Buffer, gradOutput.Buffer, _slopes, _plane, gs.Buffer, _x.Length);
                Accumulate(1, gs);
            }
        }
    }

    /// <summary>An element-wise op whose derivative is a function of its output (sigmoid, tanh).</summary>
    private sealed class FromOutputNode : GradNode
    {
        private readonly Tensor _y;
        private readonly Action<DeviceBuffer, DeviceBuffer, DeviceBuffer, long> _backward;

        public FromOutputNode(string name, Tensor x, Tensor y, Action<DeviceBuffer, DeviceBuffer, DeviceBuffer, long> backward) : base(name, y, x)
        {
            _y = Save(y);
            _backward = backward;
        }

        protected internal override void Backward(Tensor gradOutput)
        {
            var gx = Tensor.Empty(gradOutput.Device, gradOutput.Shape);
            _backward(_y.Buffer, gradOutput.Buffer, gx.Buffer, gx.Length);
            Accumulate(0, gx);
        }
    }
}
