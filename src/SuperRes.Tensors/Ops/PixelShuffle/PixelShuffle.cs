using SuperRes.Tensors.Autograd;

namespace SuperRes.Tensors;

public static partial class Ops
{
    /// <summary>
    /// PyTorch's pixel_shuffle: [N, C·r², H, W] → [N, C, H·r, W·r] with out[n, c, h·r + i, w·r + j] = x[n, c·r² + i·r + j, h, w].
    /// </summary>
    public static Tensor PixelShuffle(Tensor x, int r)
    {
        RequireNchw("pixel_shuffle", x, r);
        int rr = r * r;
        if (x.Shape.C % rr != 0)
            throw new ArgumentException($"pixel_shuffle: input {x.Shape} has {x.Shape.C} channels, not divisible by r² = {rr} (r = {r})");
        var y = Tensor.Empty(x.Device, Shape.Nchw(x.Shape.N, x.Shape.C / rr, x.Shape.H * r, x.Shape.W * r));
        Primitives.PixelShuffle.Shuffle(x.Buffer, y.Buffer, y.Shape.N * y.Shape.C, x.Shape.H, x.Shape.W, r);
        if (Tape.ShouldRecord(x))
            Tape.Record(new PixelShuffleNode(x, y, r, shuffled: true));
        return y;
    }

    /// <summary>The inverse of <see cref="PixelShuffle"/>: [N, C, H·r, W·r] → [N, C·r², H, W].</summary>
    public static Tensor PixelUnshuffle(Tensor x, int r)
    {
        RequireNchw("pixel_unshuffle", x, r);
        if (x.Shape.H % r != 0 || x.Shape.W % r != 0)
            throw new ArgumentException($"pixel_unshuffle: input {x.Shape} has a {x.Shape.H}×{x.Shape.W} image, not divisible by r = {r} on both sides");
        var y = Tensor.Empty(x.Device, Shape.Nchw(x.Shape.N, x.Shape.C * r * r, x.Shape.H / r, x.Shape.W / r));
        Primitives.PixelShuffle.Unshuffle(x.Buffer, y.Buffer, x.Shape.N * x.Shape.C, y.Shape.H, y.Shape.W, r);
        if (Tape.ShouldRecord(x))
            Tape.Record(new PixelShuffleNode(x, y, r, shuffled: false));
        return y;
    }

    private static void RequireNchw(string op, Tensor x, int r)
    {
        if (x.Shape.Rank != 4)
            throw new ArgumentException($"{op}: input {x.Shape} is not NCHW (rank 4)");
        if (r < 1)
            throw new ArgumentOutOfRangeException(nameof(r), $"{op}: factor r = {r} must be ≥ 1");
    }

    /// <summary>Each direction's gradient is the other direction applied to the output gradient.</summary>
    private sealed class PixelShuffleNode(Tensor x, Tensor y, int r, bool shuffled)
        : GradNode(shuffled ? "pixel_shuffle" : "pixel_unshuffle", y, x)
    {
        protected internal override void Backward(Tensor gradOutput)
        {
            var (input, output) = (Inputs[0].Shape, Output.Shape);
            var gx = Tensor.Empty(gradOutput.Device, input);
            if (shuffled)
                Primitives.PixelShuffle.Unshuffle(gradOutput.Buffer, gx.Buffer, output.N * output.C, input.H, input.W, r);
            else
                Primitives.PixelShuffle.Shuffle(gradOutput.Buffer, gx.Buffer, input.N * input.C, output.H, output.W, r);
            Accumulate(0, gx);
        }
    }
}
