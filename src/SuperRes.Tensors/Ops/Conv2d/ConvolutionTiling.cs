namespace SuperRes.Tensors;

/// <summary>
/// What a caller that cuts an image into overlapping crops (a tiled upscale) must do for every kept output to have
/// the whole image's bits. Every backend runs wide 3×3 layers by Winograd's F(4×4, 3×3)
/// (<see cref="Primitives.Conv2dWinograd"/> on the Cpu, kernels/conv2d_winograd.cl on CUDA and OpenCL), which
/// rounds each output through the 6×6 inputs of the 4×4 tile it falls in, tiles anchored at the tensor's origin.
/// A crop that starts at a multiple of <see cref="Alignment"/> (in the input; an integer scale keeps it so after an
/// upsampler) has the same tiles over the same inputs as the whole image, and where it ends at the image's edge,
/// the same padded last tile. Next to a cut edge, though, its tiles see zeros where the image has pixels, and the
/// outputs that differ creep inward faster than the receptive field grows: a tile's output reads inputs up to 3
/// pixels away, so <see cref="ContextRadius"/> is the context that keeps them off the kept pixels. Every other path
/// computes each output from its own window alone.
/// </summary>
public static class ConvolutionTiling
{
    /// <summary>The grid position-dependent rounding follows: crops must start at a multiple of it.</summary>
    public const int Alignment = Primitives.WinogradTransforms.Output;

    /// <summary>Whether conv2d with these parameters rounds each output by its place in the grid (on any backend).</summary>
    public static bool RoundsByTile(int inChannels, int kernelSize, int stride) =>
        Primitives.Conv2dWinograd.IsFaster(new Primitives.Conv2dShape(1, inChannels, 1, 1, 1, kernelSize, stride, PaddingMode.Zeros));

    /// <summary>
    /// Context on each side that gives aligned crops the whole image's bits, for a network of receptive radius
    /// <paramref name="receptiveRadius"/> in which some layer <see cref="RoundsByTile"/>: 2·radius + 1. The first
    /// output that differs moves in from a cut edge by at most 2 pixels per Winograd layer taken over the layers
    /// (3 when the edge sits one past a tile boundary, after which it sits on one and the next layer moves it 1 or 2),
    /// and by at most r + 1 ≤ 2r for a layer of radius r ≥ 1 computed position-independently; the last 1 covers a
    /// crop end that does not fall on the grid.
    /// </summary>
    public static int ContextRadius(int receptiveRadius) => 2 * receptiveRadius + 1;
}
