using SuperRes.Tensors.Autograd;
using SuperRes.Tensors.Primitives;

namespace SuperRes.Tensors;

public static partial class Ops
{
    /// <summary>Joins NCHW tensors along the channel axis (same N, H and W; any channel counts).</summary>
    public static Tensor Concat(params Tensor[] parts)
    {
        if (parts.Length == 0)
            throw new ArgumentException("concat: no tensors to join");
        var first = RequireNchw("concat", parts[0]);
        int channels = 0;
        foreach (var part in parts)
        {
            var s = RequireNchw("concat", part);
            if (s.N != first.N || s.H != first.H || s.W != first.W)
                throw new ArgumentException($"concat: {first} and {s} differ in more than the channel count");
            channels = checked(channels + s.C);
        }
        var y = Tensor.Empty(parts[0].Device, Shape.Nchw(first.N, channels, first.H, first.W));
        int plane = first.H * first.W, offset = 0;
        foreach (var part in parts)
        {
            Channels.Copy(new(part.Buffer, part.Shape.C, 0), new(y.Buffer, channels, offset), part.Shape.C, first.N, plane);
            offset += part.Shape.C;
        }
        if (Tape.ShouldRecord(parts))
            Tape.Record(new ConcatNode(y, parts));
        return y;
    }

    /// <summary>
    /// Cuts an NCHW tensor along the channel axis into parts of <paramref name="channelCounts"/> channels
    /// (which must add up to its channel count), in order.
    /// </summary>
    public static Tensor[] Split(Tensor x, params int[] channelCounts)
    {
        var s = RequireNchw("split", x);
        if (channelCounts.Length == 0 || channelCounts.Any(c => c < 1) || channelCounts.Sum() != s.C)
            throw new ArgumentException($"split: channel counts [{string.Join(", ", channelCounts)}] do not cut {s} into positive parts");
        int plane = s.H * s.W, offset = 0;
        var parts = new Tensor[channelCounts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            int count = channelCounts[i];
            parts[i] = Tensor.Empty(x.Device, Shape.Nchw(s.N, count, s.H, s.W));
            Channels.Copy(new(x.Buffer, s.C, offset), new(parts[i].Buffer, count, 0), count, s.N, plane);
            if (Tape.ShouldRecord(x))
                Tape.Record(new ChannelSliceNode(x, offset, parts[i]));
            offset += count;
        }
        return parts;
    }

    /// <summary>
    /// scale[c]·x + shift[c] per channel of an NCHW tensor (EDSR's MeanShift). The coefficients are constants:
    /// only x gets a gradient.
    /// </summary>
    public static Tensor ChannelAffine(Tensor x, float[] scale, float[] shift)
    {
        var s = RequireNchw("channel_affine", x);
        if (scale.Length != s.C || shift.Length != s.C)
            throw new ArgumentException($"channel_affine: input {s} has {s.C} channels but there are {scale.Length} scales and {shift.Length} shifts");
        var y = Tensor.Empty(x.Device, x.Shape);
        var scaleT = Tensor.FromArray(x.Device, [s.C], scale);
        using (var shiftT = Tensor.FromArray(x.Device, [s.C], shift))
            Channels.Affine(x.Buffer, scaleT.Buffer, shiftT.Buffer, s.C, s.H * s.W, y.Buffer, x.Length);
        if (Tape.ShouldRecord(x))
            Tape.Record(new ChannelAffineNode(x, scaleT, y));
        scaleT.Dispose();
        return y;
    }

    private static Shape RequireNchw(string op, Tensor t) =>
        t.Shape.Rank == 4 ? t.Shape : throw new ArgumentException($"{op}: {t.Shape} is not an NCHW tensor");

    private sealed class ConcatNode(Tensor y, Tensor[] parts) : GradNode("concat", y, parts)
    {
        protected internal override void Backward(Tensor gradOutput)
        {
            var s = gradOutput.Shape;
            int offset = 0;
            for (int i = 0; i < Inputs.Count; i++)
            {
                var partShape = Inputs[i].Shape;
                if (NeedsGrad(i))
                {
                    var g = Tensor.Empty(gradOutput.Device, partShape);
                    Channels.Copy(new(gradOutput.Buffer, s.C, offset), new(g.Buffer, partShape.C, 0), partShape.C, s.N, s.H * s.W);
                    Accumulate(i, g);
                }
                offset += partShape.C;
            }
        }
    }

    /// <summary>
    /// One part of a split. Its backward adds straight into the channel range of x's gradient, so the parts of
    /// one split together write x's gradient once instead of each adding a mostly-zero full-size tensor.
    /// </summary>
    private sealed class ChannelSliceNode(Tensor x, int offset, Tensor part) : GradNode("split", part, x)
    {
        protected internal override void Backward(Tensor gradOutput)
        {
            var source = Inputs[0];
            var s = source.Shape;
            int count = gradOutput.Shape.C;
            source.Grad ??= Tensor.Zeros(gradOutput.Device, s);
            Channels.Add(new(gradOutput.Buffer, count, 0), new(source.Grad.Buffer, s.C, offset), count, s.N, s.H * s.W);
        }
    }

    private sealed class ChannelAffineNode : GradNode
    {
        private readonly Tensor _scale;

        public ChannelAffineNode(Tensor x, Tensor scale, Tensor y) : base("channel_affine", y, x) => _scale = Save(scale);

        protected internal override void Backward(Tensor gradOutput)
        {
            var s = gradOutput.Shape;
            var gx = Tensor.Empty(gradOutput.Device, s);
            Channels.Scale(gradOutput.Buffer, _scale.Buffer, s.C, s.H * s.W, gx.Buffer, gx.Length);
            Accumulate(0, gx);
        }
    }
}
