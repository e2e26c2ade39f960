using SuperRes.Tensors.Autograd;
using SuperRes.Tensors.Primitives;

namespace SuperRes.Tensors;

/// <summary>What a convolution reads outside the image.</summary>
public enum PaddingMode
{
    /// <summary>Zeros (PyTorch's padding_mode='zeros').</summary>
    Zeros,

    /// <summary>The nearest border pixel: coordinates clamp to the image (padding_mode='replicate').</summary>
    Replicate,
}

public static partial class Ops
{
    /// <summary>
    /// 2-D convolution of x [N, Cin, H, W] with weight [Cout, Cin, K, K] (K odd) plus bias [Cout] (or null),
    /// "same" padding K/2 and stride 1 or 2: output [N, Cout, ⌊(H − 1)/stride⌋ + 1, ⌊(W − 1)/stride⌋ + 1].
    /// </summary>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias, int stride = 1, PaddingMode padding = PaddingMode.Zeros)
    {
        var shape = Conv2dShapeOf(x, weight, bias, stride, padding);
        var y = Tensor.Empty(x.Device, Shape.Nchw(shape.N, shape.Cout, shape.OutH, shape.OutW));
        Primitives.Conv2d.Forward(shape, x.Buffer, weight.Buffer, bias?.Buffer, y.Buffer);
        if (Tape.ShouldRecord(x, weight, bias))
            Tape.Record(new ConvolutionNode<Conv2dShape>("conv2d", Primitives.Conv2d.EntryPoints, shape, x, weight, bias, y));
        return y;
    }

    private static Conv2dShape Conv2dShapeOf(Tensor x, Tensor weight, Tensor? bias, int stride, PaddingMode padding)
    {
        if (x.Shape.Rank != 4)
            throw new ArgumentException($"conv2d: input {x.Shape} is not NCHW (rank 4)");
        if (weight.Shape.Rank != 4 || weight.Shape[2] != weight.Shape[3] || weight.Shape[2] % 2 == 0)
            throw new ArgumentException($"conv2d: weight {weight.Shape} is not [Cout×Cin×K×K] with an odd K (input {x.Shape})");
        if (x.Shape.C != weight.Shape[1])
            throw new ArgumentException($"conv2d: input {x.Shape} has {x.Shape.C} channels but weight {weight.Shape} expects {weight.Shape[1]}");
        if (bias is not null && (bias.Shape.Rank != 1 || bias.Shape[0] != weight.Shape[0]))
            throw new ArgumentException($"conv2d: bias {bias.Shape} does not match the {weight.Shape[0]} output channels of weight {weight.Shape}");
        if (stride is not (1 or 2))
            throw new ArgumentOutOfRangeException(nameof(stride), stride, $"conv2d: stride must be 1 or 2 (input {x.Shape}, weight {weight.Shape})");
        if (weight.Device != x.Device || (bias is not null && bias.Device != x.Device))
            throw new ArgumentException($"conv2d: input on {x.Device.Info.Id}, weight on {weight.Device.Info.Id}{(bias is null ? "" : $", bias on {bias.Device.Info.Id}")}; move them to one device first");
        if (!Enum.IsDefined(padding))
            throw new ArgumentException($"conv2d: unknown padding mode {padding}");
        return new Conv2dShape(x.Shape.N, x.Shape.C, x.Shape.H, x.Shape.W, weight.Shape[0], weight.Shape[2], stride, padding);
    }
}
