using SuperRes.Tensors.Autograd;

namespace SuperRes.Tensors;

public static partial class Ops
{
    /// <summary>
    /// PyTorch's <c>F.binary_cross_entropy_with_logits(logits, target)</c> (mean reduction) as a [1] tensor:
    /// mean(max(x, 0) − x·t + log(1 + e^−|x|)), stable for logits of any size. Targets are 0/1 labels or soft
    /// labels in [0, 1]. Gradients: (σ(x) − t)/n to the logits, −x/n to the target.
    /// </summary>
    public static Tensor BceWithLogitsLoss(Tensor logits, Tensor target)
    {
        if (!logits.Shape.Equals(target.Shape))
            throw new ArgumentException($"bce_with_logits: logits {logits.Shape} and target {target.Shape} differ in shape");
        var loss = Tensor.Empty(logits.Device, new Shape(1));
        Primitives.BceWithLogits.Mean(logits.Buffer, target.Buffer, logits.Length, loss.Buffer);
        if (Tape.ShouldRecord(logits, target))
            Tape.Record(new BceWithLogitsNode(logits, target, loss));
        return loss;
    }

    /// <summary>The loss against a constant label for every logit (1 = real, 0 = fake in a GAN).</summary>
    public static Tensor BceWithLogitsLoss(Tensor logits, float label)
    {
        using var target = Tensor.Full(logits.Device, logits.Shape, label);
        return BceWithLogitsLoss(logits, target);
    }

    private sealed class BceWithLogitsNode : GradNode
    {
        private readonly Tensor _x;
        private readonly Tensor _t;

        public BceWithLogitsNode(Tensor x, Tensor t, Tensor loss) : base("bce_with_logits", loss, x, t)
        {
            _x = Save(x);
            _t = Save(t);
        }

        protected internal override void Backward(Tensor gradOutput)
        {
            if (NeedsGrad(0))
            {
                var gx = Tensor.Empty(gradOutput.Device, _x.Shape);
                Primitives.BceWithLogits.LogitsBackward(_x.Buffer, _t.Buffer, gradOutput.Buffer, gx.Buffer, gx.Length);
                Accumulate(0, gx);
            }
            if (NeedsGrad(1))
            {
                var gt = Tensor.Empty(gradOutput.Device, _t.Shape);
                Primitives.BceWithLogits.TargetBackward(_x.Buffer, gradOutput.Buffer, gt.Buffer, gt.Length);
                Accumulate(1, gt);
            }
        }
    }
}
