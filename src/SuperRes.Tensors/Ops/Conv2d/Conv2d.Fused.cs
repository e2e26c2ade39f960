using SuperRes.Tensors.Autograd;
using SuperRes.Tensors.Primitives;

namespace SuperRes.Tensors;

/// <summary>An activation a convolution can apply to its outputs as it stores them.</summary>
public enum ConvActivation
{
    None,
    Relu,
    LeakyRelu,
    PRelu,
}

/// <summary>
/// What a convolution applies to its outputs: act(conv + bias), then <c>Residual + ResidualScale · that</c> when a
/// residual is given (EDSR's ResBlock and global skip). <see cref="Slope"/> is LeakyRelu's; PRelu's slopes are the
/// tensor <see cref="Slopes"/> ([1] or [Cout]). <see cref="PixelShuffle"/> r &gt; 1 stores conv + bias as
/// PixelShuffle(r) arranges it (EDSR's upsampler), without activation or residual.
/// </summary>
public sealed record ConvFusion(ConvActivation Activation = ConvActivation.None, float Slope = 0f, Tensor? Slopes = null,
    Tensor? Residual = null, float ResidualScale = 1f, int PixelShuffle = 1);

public static partial class Ops
{
    /// <summary>
    /// conv2d followed by <paramref name="fusion"/>'s activation and residual add, with the results of the separate
    /// ops (<see cref="Conv2d(Tensor, Tensor, Tensor?, int, PaddingMode)"/>, Relu/LeakyRelu/Prelu, ResidualAdd). Without
    /// a tape they run inside the convolution's output loop, so no intermediate tensor is made: on the Cpu, and on
    /// CUDA and OpenCL for the layers that go by Winograd (<see cref="Conv2dWinogradKernels"/>); otherwise as the
    /// separate ops. When gradients are recorded they stay fused on the Cpu where the backward pass allows
    /// (<see cref="TrainsFused"/>, one <see cref="FusedConvolutionNode"/>), and run as the separate ops elsewhere.
    /// </summary>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias, ConvFusion fusion, int stride = 1, PaddingMode padding = PaddingMode.Zeros)
    {
        var shape = Conv2dShapeOf(x, weight, bias, stride, padding);
        int r = fusion.PixelShuffle, rr = r * r;
        if (r < 1 || shape.Cout % rr != 0 || (r > 1 && (fusion.Activation != ConvActivation.None || fusion.Residual is not null)))
            throw new ArgumentException($"conv2d: a pixel shuffle of {r} needs output channels divisible by {rr} (weight {weight.Shape}) and no activation or residual");
        var outputShape = Shape.Nchw(shape.N, shape.Cout / rr, shape.OutH * r, shape.OutW * r);
        if (fusion.Residual is { } residual && (!residual.Shape.Equals(outputShape) || residual.Device != x.Device))
            throw new ArgumentException($"conv2d: residual {residual.Shape} on {residual.Device.Info.Id} does not match the output {outputShape} on {x.Device.Info.Id}");
        if (fusion.Activation == ConvActivation.PRelu && (fusion.Slopes is not { Shape.Rank: 1 } slopes || (slopes.Length != 1 && slopes.Length != shape.Cout)))
            throw new ArgumentException($"conv2d: PRelu slopes {fusion.Slopes?.Shape.ToString() ?? "missing"} must have shape [1] or [{shape.Cout}]");
        bool onCpu = x.Device.Backend == BackendKind.Cpu;
        bool records = Tape.ShouldRecord(x, weight, bias, fusion.Slopes, fusion.Residual);
        if ((records && !TrainsFused(x.Device, fusion))
            || (onCpu ? r > 1 && !Conv2dCpu.FusesPixelShuffle(shape) : !Conv2dWinogradKernels.Applies(shape)))
            return Unfused(x, weight, bias, fusion, stride, padding);
        var y = Tensor.Empty(x.Device, outputShape);
        if (onCpu)
            Conv2dCpu.ForwardFused(shape, x.Buffer, weight.Buffer, bias?.Buffer, fusion, y.Buffer);
        else
        {
            using var op = ConvLabels.StartFused(shape, fusion);
            Conv2dWinogradKernels.Forward(shape, x.Buffer, weight.Buffer, DeviceConvEpilogue.Of(bias?.Buffer, fusion), y.Buffer);
        }
        if (records)
            Tape.Record(new FusedConvolutionNode(shape, x, weight, bias, fusion, y));
        return y;
    }

    private static Tensor Unfused(Tensor x, Tensor weight, Tensor? bias, ConvFusion fusion, int stride, PaddingMode padding)
    {
        var y = Conv2d(x, weight, bias, stride, padding);
        if (fusion.PixelShuffle > 1)
        {
            using (y)
                return PixelShuffle(y, fusion.PixelShuffle);
        }
        if (fusion.Activation != ConvActivation.None)
        {
            using var linear = y;
            y = fusion.Activation switch
            {
                ConvActivation.Relu => Relu(linear),
                ConvActivation.LeakyRelu => LeakyRelu(linear, fusion.Slope),
                _ => Prelu(linear, fusion.Slopes!),
            };
        }
        if (fusion.Residual is null)
            return y;
        using (y)
            return ResidualAdd(fusion.Residual, y, fusion.ResidualScale);
    }
}
