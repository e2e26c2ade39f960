using SuperRes.Tensors.Autograd;
using SuperRes.Tensors.Primitives;

namespace SuperRes.Tensors;

public static partial class Ops
{
    /// <summary>The autograd node of a convolution y = conv(x, weight) + bias, bias optional (conv2d, conv_transpose2d).</summary>
    private sealed class ConvolutionNode<TShape> : GradNode where TShape : IConvolutionShape
    {
        private readonly TShape _shape;
        private readonly ConvolutionEntryPoints<TShape> _entryPoints;
        // Each gradient needs only the other operand: keep just what will be used.
        private readonly Tensor? _x;
        private readonly Tensor? _weight;

        public ConvolutionNode(string name, ConvolutionEntryPoints<TShape> entryPoints, TShape shape, Tensor x, Tensor weight, Tensor? bias, Tensor y)
            : base(name, y, bias is null ? [x, weight] : [x, weight, bias])
        {
            _shape = shape;
            _entryPoints = entryPoints;
            if (NeedsGrad(0))
                _weight = Save(weight);
            if (NeedsGrad(1))
                _x = Save(x);
        }

        protected internal override void Backward(Tensor gradOutput)
        {
            var device = gradOutput.Device;
            if (NeedsGrad(0))
            {
                var gx = Tensor.Empty(device, Inputs[0].Shape);
                _entryPoints.InputGrad(_shape, gradOutput.Buffer, _weight!.Buffer, gx.Buffer);
                Accumulate(0, gx);
            }
            if (NeedsGrad(1))
            {
                var gw = Tensor.Empty(device, Inputs[1].Shape);
                _entryPoints.WeightGrad(_shape, _x!.Buffer, gradOutput.Buffer, gw.Buffer);
                Accumulate(1, gw);
            }
            if (Inputs.Count > 2 && NeedsGrad(2))
            {
                var gb = Tensor.Empty(device, Inputs[2].Shape);
                _entryPoints.BiasGrad(_shape, gradOutput.Buffer, gb.Buffer);
                Accumulate(2, gb);
            }
        }
    }
}
