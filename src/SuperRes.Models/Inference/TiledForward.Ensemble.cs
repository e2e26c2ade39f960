using System.Buffers;
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
        int width = source.Width, height = source.Height, plane = width * height;
        bool transpose = Symmetry(symmetry).Transpose;
        var target = Buffers.RentImage(transpose ? height : width, transpose ? width : height, source.Channels, source.BitDepth);
        var places = TransformedPlaces(width, height, symmetry);
        for (int c = 0; c < source.Channels; c++)
        {
            var from = source.Data.AsSpan(c * plane, plane);
            var to = target.Data.AsSpan(c * plane, plane);
            for (int i = 0; i < plane; i++)
                to[places[i]] = from[i];
        }
        ArrayPool<int>.Shared.Return(places);
        return target;
    }

    /// <summary>
    /// Adds <paramref name="output"/>, the network's output for a region transformed by <paramref name="symmetry"/>,
    /// mapped back to the region's orientation (<see cref="Image.InverseTransform"/>) into <paramref name="sum"/>.
    /// </summary>
    private static void AddMappedBack(Image sum, Image output, int symmetry)
    {
        int plane = sum.Width * sum.Height;
        var places = TransformedPlaces(sum.Width, sum.Height, symmetry);
        for (int c = 0; c < sum.Channels; c++)
        {
            var total = sum.Data.AsSpan(c * plane, plane);
            var term = output.Data.AsSpan(c * plane, plane);
            for (int i = 0; i < plane; i++)
                total[i] += term[places[i]];
        }
        ArrayPool<int>.Shared.Return(places);
    }

    /// <summary>
    /// Where each pixel of a <paramref name="width"/> × <paramref name="height"/> plane (row-major index) lies in the
    /// plane transformed by <paramref name="symmetry"/>; a rented array, at least width × height long.
    /// </summary>
    private static int[] TransformedPlaces(int width, int height, int symmetry)
    {
        var (flipX, flipY, transpose) = Symmetry(symmetry);
        var places = ArrayPool<int>.Shared.Rent(width * height);
        for (int sy = 0; sy < height; sy++)
        {
            int y = flipY ? height - 1 - sy : sy;
            for (int sx = 0; sx < width; sx++)
            {
                int x = flipX ? width - 1 - sx : sx;
                places[sy * width + sx] = transpose ? x * height + y : y * width + x;
            }
        }
        return places;
    }

    // Bit 0 flips left-right, bit 1 top-bottom, bit 2 transposes after the flips (as Image.Transform).
    private static (bool FlipX, bool FlipY, bool Transpose) Symmetry(int symmetry) =>
        ((symmetry & 1) != 0, (symmetry & 2) != 0, (symmetry & 4) != 0);
}
