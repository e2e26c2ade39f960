using SuperRes.Tensors.Autograd;
using SuperRes.Tensors.Primitives;

namespace SuperRes.Tensors;

public static partial class Ops
{
    /// <summary>
    /// Batch normalisation of x [N, C, H, W] per channel (<c>F.batch_norm</c>); weight, bias, runningMean and
    /// runningVar are [C]. Training normalises with the batch statistics over N×H×W (biased variance) and updates
    /// the running buffers in place: running = (1 − momentum)·running + momentum·batch, with the unbiased batch
    /// variance for runningVar. Evaluation normalises with the running statistics. Gradients flow to x, weight
    /// and bias in both modes; the running statistics are buffers without gradients.
    /// </summary>
    public static Tensor BatchNorm2d(Tensor x, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar, bool training, float momentum, float epsilon)
    {
        if (x.Shape.Rank != 4)
            throw new ArgumentException($"batch_norm2d: input {x.Shape} is not NCHW (rank 4)");
        int batch = x.Shape.N, channels = x.Shape.C, hw = x.Shape.H * x.Shape.W;
        foreach (var (name, t) in new[] { ("weight", weight), ("bias", bias), ("running_mean", runningMean), ("running_var", runningVar) })
            if (!t.Shape.Equals(new Shape(channels)))
                throw new ArgumentException($"batch_norm2d: input {x.Shape} has {channels} channels but {name} has shape {t.Shape}; expected [{channels}]");
        if (training && (long)batch * hw == 1)
            throw new ArgumentException($"batch_norm2d: expected more than 1 value per channel when training, got input {x.Shape}");

        bool record = Tape.ShouldRecord(x, weight, bias);
        Tensor mean, var;
        if (training)
        {
            mean = Tensor.Empty(x.Device, new Shape(channels));
            var = Tensor.Empty(x.Device, new Shape(channels));
            BatchNorm.Stats(x.Buffer, mean.Buffer, var.Buffer, batch, channels, hw);
            BatchNorm.UpdateRunning(mean.Buffer, var.Buffer, runningMean.Buffer, runningVar.Buffer, channels, batch * hw, momentum);
        }
        else
        {
            // Backward needs the statistics this forward used; a later training call updates the buffers in place.
            mean = record ? runningMean.Clone() : runningMean;
            var = record ? runningVar.Clone() : runningVar;
        }

        var y = Tensor.Empty(x.Device, x.Shape);
        BatchNorm.Normalize(x.Buffer, mean.Buffer, var.Buffer, weight.Buffer, bias.Buffer, y.Buffer, batch, channels, hw, epsilon);
        if (record)
            Tape.Record(new BatchNormNode(x, weight, bias, mean, var, y, training, epsilon));
        // Our own statistics tensors (never the caller's running buffers) go; a recorded node keeps what it saved.
        if (training || record)
        {
            mean.Dispose();
            var.Dispose();
        }
        return y;
    }

    private sealed class BatchNormNode : GradNode
    {
        private readonly Tensor? _x;
        private readonly Tensor _weight;
        private readonly Tensor _mean;
        private readonly Tensor _var;
        private readonly bool _training;
        private readonly float _epsilon;

        public BatchNormNode(Tensor x, Tensor weight, Tensor bias, Tensor mean, Tensor var, Tensor y, bool training, float epsilon)
            : base("batch_norm2d", y, x, weight, bias)
        {
            // x enters every gradient except the evaluation-mode input gradient, which is affine in x.
            _x = training || weight.RequiresGrad || bias.RequiresGrad ? Save(x) : null;
            _weight = Save(weight);
            _mean = Save(mean);
            _var = Save(var);
            _training = training;
            _epsilon = epsilon;
        }

        protected internal override void Backward(Tensor gradOutput)
        {
            var shape = gradOutput.Shape;
            int batch = shape.N, channels = shape.C, hw = shape.H * shape.W;
            var device = gradOutput.Device;
            Tensor? sumGy = null, sumGyXhat = null;
            if (_x is not null)
            {
                sumGy = Tensor.Empty(device, new Shape(channels));
                sumGyXhat = Tensor.Empty(device, new Shape(channels));
                BatchNorm.BackwardReduce(_x.Buffer, _mean.Buffer, _var.Buffer, gradOutput.Buffer, sumGy.Buffer, sumGyXhat.Buffer, batch, channels, hw, _epsilon);
            }
            if (NeedsGrad(0))
            {
                var gx = Tensor.Empty(device, shape);
                if (_training)
                    BatchNorm.BackwardInputTraining(_x!.Buffer, _mean.Buffer, _var.Buffer, _weight.Buffer, gradOutput.Buffer, sumGy!.Buffer, sumGyXhat!.Buffer, gx.Buffer, batch, channels, hw, _epsilon);
                else
                    BatchNorm.BackwardInputEvaluation(_var.Buffer, _weight.Buffer, gradOutput.Buffer, gx.Buffer, batch, channels, hw, _epsilon);
                Accumulate(0, gx);
            }
            // Accumulate takes ownership and disposes a gradient its input does not want.
            if (sumGyXhat is not null)
                Accumulate(1, sumGyXhat);
            if (sumGy is not null)
                Accumulate(2, sumGy);
        }
    }
}
