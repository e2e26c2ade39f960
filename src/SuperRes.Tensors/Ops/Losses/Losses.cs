using SuperRes.Tensors.Autograd;
using SuperRes.Tensors.Primitives;

namespace SuperRes.Tensors;

public static partial class Ops
{
    /// <summary>mean |prediction − target| as a [1] tensor. The gradient at prediction == target is 0.</summary>
    public static Tensor L1Loss(Tensor prediction, Tensor target) =>
        MeanLoss("l1_loss", prediction, target, Losses.L1, Losses.L1Backward);

    /// <summary>mean (prediction − target)² as a [1] tensor.</summary>
    public static Tensor MseLoss(Tensor prediction, Tensor target) =>
        MeanLoss("mse_loss", prediction, target, Losses.Mse, Losses.MseBackward);

    private delegate void LossForward(DeviceBuffer p, DeviceBuffer t, long n, DeviceBuffer result);

    private delegate void LossBackward(DeviceBuffer p, DeviceBuffer t, DeviceBuffer gy, DeviceBuffer gp, long n);

    private static Tensor MeanLoss(string name, Tensor prediction, Tensor target, LossForward forward, LossBackward backward)
    {
        if (!prediction.Shape.Equals(target.Shape))
            throw new ArgumentException($"{name}: prediction {prediction.Shape} and target {target.Shape} differ in shape");
        var loss = Tensor.Empty(prediction.Device, new Shape(1));
        forward(prediction.Buffer, target.Buffer, prediction.Length, loss.Buffer);
        if (Tape.ShouldRecord(prediction, target))
            Tape.Record(new MeanLossNode(name, prediction, target, loss, backward));
        return loss;
    }

    /// <summary>
    /// Both losses are symmetric functions of p − t, so the target's gradient is the backward with the roles
    /// of prediction and target swapped.
    /// </summary>
    private sealed class MeanLossNode : GradNode
    {
        private readonly Tensor _p;
        private readonly Tensor _t;
        private readonly LossBackward _backward;

        public MeanLossNode(string name, Tensor p, Tensor t, Tensor loss, LossBackward backward) : base(name, loss, p, t)
        {
            _p = Save(p);
            _t = Save(t);
            _backward = backward;
        }

        protected internal override void Backward(Tensor gradOutput)
        {
            if (NeedsGrad(0))
                Accumulate(0, Gradient(_p, _t, gradOutput));
            if (NeedsGrad(1))
                Accumulate(1, Gradient(_t, _p, gradOutput));
        }

        private Tensor Gradient(Tensor of, Tensor other, Tensor gradOutput)
        {
            var g = Tensor.Empty(gradOutput.Device, of.Shape);
            _backward(of.Buffer, other.Buffer, gradOutput.Buffer, g.Buffer, g.Length);
            return g;
        }
    }
}
