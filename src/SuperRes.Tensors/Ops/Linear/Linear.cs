using SuperRes.Tensors.Autograd;

namespace SuperRes.Tensors;

public static partial class Ops
{
    /// <summary>
    /// A dense layer, PyTorch's <c>F.linear</c>: x [N, in] · weightᵀ + bias with weight [out, in] and bias [out]
    /// (or none) → [N, out]. Gradients flow to all three. Flatten an image batch first (<see cref="Flatten"/>).
    /// </summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null)
    {
        if (x.Shape.Rank != 2)
            throw new ArgumentException($"linear: input {x.Shape} is not [batch, features] (rank 2); flatten it first");
        if (weight.Shape.Rank != 2 || weight.Shape[1] != x.Shape[1])
            throw new ArgumentException($"linear: weight {weight.Shape} is not [out, {x.Shape[1]}] for input {x.Shape}");
        int batch = x.Shape[0], inFeatures = x.Shape[1], outFeatures = weight.Shape[0];
        if (bias is not null && (bias.Shape.Rank != 1 || bias.Shape[0] != outFeatures))
            throw new ArgumentException($"linear: bias {bias.Shape} is not [{outFeatures}] for weight {weight.Shape}");
        var y = Tensor.Empty(x.Device, new Shape(batch, outFeatures));
        Primitives.Linear.Forward(x.Buffer, weight.Buffer, bias?.Buffer, y.Buffer, batch, inFeatures, outFeatures);
        if (Tape.ShouldRecord(x, weight, bias))
            Tape.Record(new LinearNode(x, weight, bias, y));
        return y;
    }

    private sealed class LinearNode : GradNode
    {
        private readonly Tensor _x;
        private readonly Tensor _weight;

        public LinearNode(Tensor x, Tensor weight, Tensor? bias, Tensor y)
            : base("linear", y, bias is null ? [x, weight] : [x, weight, bias])
        {
            _x = Save(x);
            _weight = Save(weight);
        }

        protected internal override void Backward(Tensor gradOutput)
        {
            int batch = _x.Shape[0], inFeatures = _x.Shape[1], outFeatures = _weight.Shape[0];
            if (NeedsGrad(0))
            {
                var gx = Tensor.Empty(gradOutput.Device, _x.Shape);
                Primitives.Linear.InputGrad(gradOutput.Buffer, _weight.Buffer, gx.Buffer, batch, inFeatures, outFeatures);
                Accumulate(0, gx);
            }
            if (NeedsGrad(1))
            {
                var gw = Tensor.Empty(gradOutput.Device, _weight.Shape);
                Primitives.Linear.WeightGrad(gradOutput.Buffer, _x.Buffer, gw.Buffer, batch, inFeatures, outFeatures);
                Accumulate(1, gw);
            }
            if (Inputs.Count == 3 && NeedsGrad(2))
            {
                var gb = Tensor.Empty(gradOutput.Device, new Shape(outFeatures));
                Primitives.Linear.BiasGrad(gradOutput.Buffer, gb.Buffer, batch, outFeatures);
                Accumulate(2, gb);
            }
        }
    }
}
