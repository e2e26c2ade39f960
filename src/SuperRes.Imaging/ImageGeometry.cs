namespace SuperRes.Imaging;

/// <summary>Whole-plane rearrangements: pasting regions, the eight symmetries of the square, stacking channels.</summary>
public sealed partial class Image
{
    /// <summary>
    /// Writes the <paramref name="width"/>×<paramref name="height"/> region of <paramref name="source"/> at
    /// (<paramref name="sourceX"/>, <paramref name="sourceY"/>) into this image at (<paramref name="x"/>, <paramref name="y"/>), every channel.
    /// </summary>
    public void Paste(Image source, int sourceX, int sourceY, int width, int height, int x, int y)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Channels != Channels)
            throw new ArgumentException($"cannot paste a {source.Channels}-channel image into a {Channels}-channel one", nameof(source));
        if (sourceX < 0 || sourceY < 0 || sourceX + width > source.Width || sourceY + height > source.Height
            || x < 0 || y < 0 || x + width > Width || y + height > Height)
            throw new ArgumentOutOfRangeException(nameof(width),
                $"paste of {width}x{height} from +{sourceX}+{sourceY} of {source.Width}x{source.Height} to +{x}+{y} of {Width}x{Height} is out of bounds");
        for (int c = 0; c < Channels; c++)
            for (int r = 0; r < height; r++)
                Array.Copy(source.Data, (c * source.Height + sourceY + r) * source.Width + sourceX, Data, (c * Height + y + r) * Width + x, width);
    }

    /// <summary>
    /// One of the 8 symmetries of the square: bit 0 flips left-right, bit 1 flips top-bottom, bit 2 transposes
    /// (applied after the flips).
    /// </summary>
    public Image Transform(int symmetry)
    {
        if (symmetry is < 0 or > 7)
            throw new ArgumentOutOfRangeException(nameof(symmetry), $"symmetry must be 0..7, got {symmetry}");
        bool flipX = (symmetry & 1) != 0, flipY = (symmetry & 2) != 0, transpose = (symmetry & 4) != 0;
        int h = transpose ? Width : Height, w = transpose ? Height : Width;
        var result = new Image(w, h, Channels, BitDepth);
        for (int c = 0; c < Channels; c++)
            for (int y = 0; y < Height; y++)
                for (int x = 0; x < Width; x++)
                {
                    int sx = flipX ? Width - 1 - x : x, sy = flipY ? Height - 1 - y : y;
                    int ty = transpose ? x : y, tx = transpose ? y : x;
                    result.Data[(c * h + ty) * w + tx] = Data[(c * Height + sy) * Width + sx];
                }
        return result;
    }

    /// <summary>The inverse of <see cref="Transform"/> for the same symmetry.</summary>
    public Image InverseTransform(int symmetry)
    {
        bool transpose = (symmetry & 4) != 0;
        // Undo the transpose first, then the flips (each flip is its own inverse).
        var untransposed = transpose ? Transform(4) : this;
        return untransposed.Transform(symmetry & 3);
    }

    /// <summary>Concatenates the channels of same-sized images of one bit depth (e.g. Y + CbCr, colour + alpha).</summary>
    public static Image Stack(params Image[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Length == 0)
            throw new ArgumentException("nothing to stack", nameof(parts));
        var first = parts[0];
        foreach (var p in parts)
            if (p.Width != first.Width || p.Height != first.Height || p.BitDepth != first.BitDepth)
                throw new ArgumentException($"cannot stack a {p.Width}x{p.Height} {p.BitDepth}-bit image with a {first.Width}x{first.Height} {first.BitDepth}-bit one", nameof(parts));
        var result = new Image(first.Width, first.Height, parts.Sum(p => p.Channels), first.BitDepth);
        int offset = 0;
        foreach (var p in parts)
        {
            p.Data.CopyTo(result.Data, offset);
            offset += p.Data.Length;
        }
        return result;
    }
}
