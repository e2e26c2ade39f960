using SuperRes.Imaging;

namespace SuperRes.Models.Inference;

public sealed partial class TiledForward
{
    /// <summary>
    /// The self-ensemble of one region: the network over each of the 8 symmetries of the region
    /// (<see cref="Image.Transform"/>), each output mapped back, summed in symmetry order and divided by 8 — per pixel
    /// the arithmetic of the ensemble over the whole image, and, with regions on the grid from both ends
    /// (<see cref="TileSpans"/>), the same operands. The passes run one after another: a tile holds one pass and the
    /// running sum, and the transformed regions and outputs live in reused arrays (<see cref="Buffers"/>).
    /// </summary>
    private Image EnsembleForward(Image region)
    {
        var sum = Forward(region);
        for (int symmetry = 1; symmetry < 8; symmetry++)
        {
            var transformed = TransformedCopy(region, symmetry);
            var output = Forward(transformed);
            Buffers.Return(transformed);
            AddMappedBack(sum, output, symmetry);
            Buffers.Return(output);
        }
        var mean = sum.Data;
        for (int i = 0; i < mean.Length; i++)
            mean[i] /= 8;
        return sum;
    }

    /// <summary><see cref="Image.Transform"/> of <paramref name="source"/> into a rented image.</summary>
    private Image TransformedCopy(Image source, int symmetry)
    {
        var (flipX, flipY, transpose) = Symmetry(symmetry);
        int width = source.Width, height = source.Height;
        var target = Buffers.RentImage(transpose ? height : width, transpose ? width : height, source.Channels, source.BitDepth);
        for (int c = 0; c < source.Channels; c++)
        {
            var from = source.Data.AsSpan(c * height * width, height * width);
            var to = target.Data.AsSpan(c * height * width, height * width);
            for (int y = 0; y < height; y++)
            {
                int sy = flipY ? height - 1 - y : y;
                for (int x = 0; x < width; x++)
                {
                    int sx = flipX ? width - 1 - x : x;
                    to[transpose ? x * height + y : y * width + x] = from[sy * width + sx];
                }
            }
        }
        return target;
    }

    /// <summary>
    /// Adds <paramref name="output"/>, the network's output for a region transformed by <paramref name="symmetry"/>,
    /// mapped back to the region's orientation (<see cref="Image.InverseTransform"/>) into <paramref name="sum"/>.
    /// </summary>
    private static void AddMappedBack(Image sum, Image output, int symmetry)
    {
        var (flipX, flipY, transpose) = Symmetry(symmetry);
        int width = sum.Width, height = sum.Height;
        for (int c = 0; c < sum.Channels; c++)
        {
            var total = sum.Data.AsSpan(c * height * width, height * width);
            var term = output.Data.AsSpan(c * height * width, height * width);
            for (int y = 0; y < height; y++)
            {
                int sy = flipY ? height - 1 - y : y;
                for (int x = 0; x < width; x++)
                {
                    int sx = flipX ? width - 1 - x : x;
                    total[sy * width + sx] += term[transpose ? x * height + y : y * width + x];
                }
            }
        }
    }

    // Bit 0 flips left-right, bit 1 top-bottom, bit 2 transposes after the flips (as Image.Transform).
    private static (bool FlipX, bool FlipY, bool Transpose) Symmetry(int symmetry) =>
        ((symmetry & 1) != 0, (symmetry & 2) != 0, (symmetry & 4) != 0);
}
