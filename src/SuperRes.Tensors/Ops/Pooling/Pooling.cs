using SuperRes.Tensors.Autograd;
using SuperRes.Tensors.Primitives;

namespace SuperRes.Tensors;

public static partial class Ops
{
    /// <summary>Mean over each channel's H×W plane: [N, C, H, W] → [N, C, 1, 1] (<c>F.adaptive_avg_pool2d(x, 1)</c>).</summary>
    public static Tensor GlobalAvgPool(Tensor x)
    {
        var (planes, hw) = PlaneSizes("global_avg_pool", x);
        var y = Tensor.Empty(x.Device, PlaneShape(x));
        Pooling.PlaneSum(x.Buffer, y.Buffer, planes, hw, 1f / hw);
        if (Tape.ShouldRecord(x))
            Tape.Record(new PlaneMeanNode("global_avg_pool", x, y));
        return y;
    }

    /// <summary>
    /// Per-channel spatial mean and population standard deviation, each [N, C, 1, 1], as IMDN's contrast-aware
    /// channel attention computes them (<c>mean_channels</c>, <c>stdv_channels</c>): std = sqrt(mean((x − mean)²)).
    /// Both outputs carry gradients. Where std is exactly 0 (a constant plane, a 1×1 image) the std has no
    /// derivative; its gradient there is defined as 0.
    /// </summary>
    public static (Tensor Mean, Tensor Std) ChannelMeanStd(Tensor x)
    {
        var (planes, hw) = PlaneSizes("channel_mean_std", x);
        var mean = Tensor.Empty(x.Device, PlaneShape(x));
        var std = Tensor.Empty(x.Device, PlaneShape(x));
        Pooling.PlaneMeanStd(x.Buffer, mean.Buffer, std.Buffer, planes, hw);
        if (Tape.ShouldRecord(x))
        {
            // The tape records single-output nodes, so each output gets its own.
            Tape.Record(new PlaneMeanNode("channel_mean", x, mean));
            Tape.Record(new PlaneStdNode(x, mean, std));
        }
        return (mean, std);
    }

    private static (int Planes, int Hw) PlaneSizes(string op, Tensor x)
    {
        if (x.Shape.Rank != 4)
            throw new ArgumentException($"{op}: input {x.Shape} is not NCHW (rank 4)");
        return (x.Shape.N * x.Shape.C, x.Shape.H * x.Shape.W);
    }

    private static Shape PlaneShape(Tensor x) => Shape.Nchw(x.Shape.N, x.Shape.C, 1, 1);

    /// <summary>Gradient of a plane mean: each value of a plane gets the plane's upstream gradient / (H·W).</summary>
    private sealed class PlaneMeanNode : GradNode
    {
        private readonly Shape _inputShape;

        public PlaneMeanNode(string name, Tensor x, Tensor y) : base(name, y, x) => _inputShape = x.Shape;

        protected internal override void Backward(Tensor gradOutput)
        {
            int hw = _inputShape.H * _inputShape.W;
            var gx = Tensor.Empty(gradOutput.Device, _inputShape);
            Pooling.PlaneBroadcast(gradOutput.Buffer, gx.Buffer, _inputShape.N * _inputShape.C, hw, 1f / hw);
            Accumulate(0, gx);
        }
    }

    private sealed class PlaneStdNode : GradNode
    {
        private readonly Tensor _x;
        private readonly Tensor _mean;
        private readonly Tensor _std;

        public PlaneStdNode(Tensor x, Tensor mean, Tensor std) : base("channel_std", std, x)
        {
            _x = Save(x);
            _mean = Save(mean);
            _std = Save(std);
        }

        protected internal override void Backward(Tensor gradOutput)
        {
            var shape = _x.Shape;
            var gx = Tensor.Empty(gradOutput.Device, shape);
            Pooling.PlaneStdBackward(_x.Buffer, _mean.Buffer, _std.Buffer, gradOutput.Buffer, gx.Buffer, shape.N * shape.C, shape.H * shape.W);
            Accumulate(0, gx);
        }
    }
}
