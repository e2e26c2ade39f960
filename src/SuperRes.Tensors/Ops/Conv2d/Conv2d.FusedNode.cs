using SuperRes.Tensors.Autograd;
using SuperRes.Tensors.Primitives;

namespace SuperRes.Tensors;

public static partial class Ops
{
    /// <summary>
    /// Whether a recorded conv2d with <paramref name="fusion"/> on <paramref name="device"/> runs fused, as one
    /// <see cref="FusedConvolutionNode"/>: on the Cpu, when the backward pass needs nothing the fused output loses.
    /// ReLU and LeakyReLU with a slope ≥ 0 give their output their input's sign, so the output is its own mask; the
    /// residual add is linear. Left to the separate ops: an activation under a residual (the sum hides the
    /// activation's sign); PReLU, whose learned slopes may turn negative and whose slope gradient needs the
    /// pre-activation itself (y / slope does not round back to it), so it would keep the same tensor as unfused; and
    /// the pixel shuffle, whose fused Winograd stores cost more than the separate shuffle at training sizes (EDSR's
    /// 64→256 upsampler on 16×48²: forward 34 ms against 25 ms of CPU time, docs/performance.md).
    /// </summary>
    private static bool TrainsFused(Device device, ConvFusion fusion) =>
        device.Backend == BackendKind.Cpu && fusion.PixelShuffle == 1 && fusion.Activation switch
        {
            ConvActivation.None => fusion.Residual is not null,
            ConvActivation.Relu => fusion.Residual is null,
            ConvActivation.LeakyRelu => fusion.Residual is null && fusion.Slope >= 0,
            _ => false,
        };

    /// <summary>
    /// The autograd node of a fused conv2d (<see cref="TrainsFused"/>): y = act(conv(x, weight) + bias), or
    /// residual + res_scale · (conv + bias), its forward written in the convolution's output loop. Backward turns gy
    /// into the gradient gz of conv + bias (<see cref="Conv2dOutputGradient"/>, which also sums the bias gradient; gy
    /// itself under a residual add with res_scale 1) and runs conv2d's own gradients on it; the residual's gradient is
    /// gy, handed on without a copy when nothing else holds it. Every gradient has the bits of the separate ops' nodes.
    /// </summary>
    private sealed class FusedConvolutionNode : GradNode
    {
        private readonly Conv2dShape _shape;
        private readonly ConvFusion _fusion;
        private readonly Tensor? _x;
        private readonly Tensor? _weight;
        private readonly Tensor? _y;
        private readonly int _bias;
        private readonly int _residual;

        public FusedConvolutionNode(Conv2dShape shape, Tensor x, Tensor weight, Tensor? bias, ConvFusion fusion, Tensor y)
            : base(NameOf(fusion), y, InputsOf(x, weight, bias, fusion.Residual))
        {
            _shape = shape;
            _fusion = fusion;
            _bias = bias is null ? -1 : 2;
            _residual = fusion.Residual is null ? -1 : Inputs.Count - 1;
            if (NeedsGrad(0))
                _weight = Save(weight);
            if (NeedsGrad(1))
                _x = Save(x);
            if (fusion.Activation != ConvActivation.None)
                _y = Save(y);
        }

        protected internal override void Backward(Tensor gradOutput)
        {
            var device = gradOutput.Device;
            var gb = _bias >= 0 && NeedsGrad(_bias) ? Tensor.Empty(device, Inputs[_bias].Shape) : null;
            var gz = LinearOutputGradient(gradOutput, gb, out bool biasSummed);
            bool residualTakesGy = _residual >= 0 && NeedsGrad(_residual);
            if (residualTakesGy && !ReferenceEquals(gz, gradOutput))
            {
                Accumulate(_residual, TakeGradOutput(gradOutput)); // gy is read no more: hand it on before the gradients are made
                residualTakesGy = false;
            }
            if (gb is not null && !biasSummed)
                Primitives.Conv2d.BiasGrad(_shape, gz.Buffer, gb.Buffer);
            if (NeedsGrad(0))
            {
                var gx = Tensor.Empty(device, Inputs[0].Shape);
                Primitives.Conv2d.InputGrad(_shape, gz.Buffer, _weight!.Buffer, gx.Buffer);
                Accumulate(0, gx);
            }
            if (NeedsGrad(1))
            {
                var gw = Tensor.Empty(device, Inputs[1].Shape);
                Primitives.Conv2d.WeightGrad(_shape, _x!.Buffer, gz.Buffer, gw.Buffer);
                Accumulate(1, gw);
            }
            if (gb is not null)
                Accumulate(_bias, gb);
            if (!ReferenceEquals(gz, gradOutput))
                gz.Dispose();
            if (residualTakesGy)
                Accumulate(_residual, TakeGradOutput(gradOutput));
        }

        /// <summary>The gradient of conv + bias: gy itself, or gy masked / scaled with the bias gradient summed on the way.</summary>
        private Tensor LinearOutputGradient(Tensor gy, Tensor? gb, out bool biasSummed)
        {
            biasSummed = false;
            if (_fusion.Activation == ConvActivation.None && _fusion.ResidualScale == 1f)
                return gy;
            // Masked or scaled in place, in gy's own memory, unless the residual still needs gy (or gy cannot move):
            // the backward pass then holds no more than the separate ops' did.
            var inPlace = _residual >= 0 && NeedsGrad(_residual) ? null : gy.TryMoveToNew();
            var gz = inPlace ?? Tensor.Empty(gy.Device, gy.Shape);
            Conv2dOutputGradient.Compute(_shape, _fusion, _y?.Buffer, inPlace is null ? gy.Buffer : gz.Buffer, gz.Buffer, gb?.Buffer);
            biasSummed = true;
            return gz;
        }

        /// <summary>x, weight, then the bias and the residual where there are.</summary>
        private static Tensor[] InputsOf(Tensor x, Tensor weight, Tensor? bias, Tensor? residual) => (bias, residual) switch
        {
            (null, null) => [x, weight],
            (null, { } r) => [x, weight, r],
            ({ } b, null) => [x, weight, b],
            ({ } b, { } r) => [x, weight, b, r],
        };

        private static string NameOf(ConvFusion fusion) => fusion switch
        {
            { Activation: ConvActivation.Relu } => "conv2d+relu",
            { Activation: ConvActivation.LeakyRelu } => "conv2d+leaky_relu",
            _ => "conv2d+residual_add",
        };
    }
}
