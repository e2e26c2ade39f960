using SuperRes.Tensors.Autograd;
using SuperRes.Tensors.Primitives;

namespace SuperRes.Tensors;

public static partial class Ops
{
    /// <summary>
    /// PyTorch's conv_transpose2d (dilation 1, groups 1): x [N, Cin, H, W], weight [Cin, Cout, K, K], bias [Cout] or null
    /// → [N, Cout, Ho, Wo] with Ho = (H − 1)·stride − 2·padding + K + outputPadding (likewise Wo).
    /// FSRCNN's upsampler (K = 9, stride = scale, padding 4, outputPadding = scale − 1) gives exactly scale× the input.
    /// </summary>
    public static Tensor ConvTranspose2d(Tensor x, Tensor weight, Tensor? bias, int stride, int padding, int outputPadding = 0)
    {
        var g = ConvTranspose2dGeometryOf(x, weight, bias, stride, padding, outputPadding);
        var y = Tensor.Empty(x.Device, Shape.Nchw(g.N, g.Cout, g.Ho, g.Wo));
        Primitives.ConvTranspose2d.Forward(g, x.Buffer, weight.Buffer, bias?.Buffer, y.Buffer);
        if (Tape.ShouldRecord(x, weight, bias))
            Tape.Record(new ConvolutionNode<ConvTranspose2dGeometry>("conv_transpose2d", Primitives.ConvTranspose2d.EntryPoints, g, x, weight, bias, y));
        return y;
    }

    private static ConvTranspose2dGeometry ConvTranspose2dGeometryOf(Tensor x, Tensor weight, Tensor? bias, int stride, int padding, int outputPadding)
    {
        const string op = "conv_transpose2d";
        if (x.Shape.Rank != 4)
            throw new ArgumentException($"{op}: input {x.Shape} is not NCHW (rank 4)");
        if (weight.Shape.Rank != 4 || weight.Shape[2] != weight.Shape[3])
            throw new ArgumentException($"{op}: weight {weight.Shape} is not [Cin×Cout×K×K] with a square kernel");
        if (x.Shape.C != weight.Shape[0])
            throw new ArgumentException($"{op}: input {x.Shape} has {x.Shape.C} channels but weight {weight.Shape} expects {weight.Shape[0]}");
        if (bias is not null && (bias.Shape.Rank != 1 || bias.Shape[0] != weight.Shape[1]))
            throw new ArgumentException($"{op}: bias {bias.Shape} does not match the {weight.Shape[1]} output channels of weight {weight.Shape}");
        if (stride < 1)
            throw new ArgumentOutOfRangeException(nameof(stride), $"{op}: stride {stride} must be ≥ 1");
        if (padding < 0)
            throw new ArgumentOutOfRangeException(nameof(padding), $"{op}: padding {padding} must be ≥ 0");
        if (outputPadding < 0 || outputPadding >= stride)
            throw new ArgumentOutOfRangeException(nameof(outputPadding), $"{op}: output_padding {outputPadding} must be in [0, stride {stride})");
        var g = new ConvTranspose2dGeometry(x.Shape.N, x.Shape.C, x.Shape.H, x.Shape.W, weight.Shape[1], weight.Shape[2], stride, padding, outputPadding);
        if (g.Ho < 1 || g.Wo < 1)
            throw new ArgumentException($"{op}: input {x.Shape} with weight {weight.Shape}, stride {stride}, padding {padding}, output_padding {outputPadding} gives an empty {g.Ho}×{g.Wo} output");
        return g;
    }
}
