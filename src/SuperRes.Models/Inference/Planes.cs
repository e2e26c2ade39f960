namespace SuperRes.Models.Inference;

/// <summary>Planar float samples (C × H × W, channel-major), the layout of both images and NCHW tensors.</summary>
public sealed record Planes(int Channels, int Height, int Width, float[] Data)
{
    public static Planes Create(int channels, int height, int width) => new(channels, height, width, new float[(long)channels * height * width]);

    public int PlaneSize => Height * Width;

    /// <summary>Copies rows [y0, y1) and columns [x0, x1) of every channel.</summary>
    public Planes Crop(int y0, int y1, int x0, int x1)
    {
        var result = Create(Channels, y1 - y0, x1 - x0);
        for (int c = 0; c < Channels; c++)
            for (int y = y0; y < y1; y++)
                Array.Copy(Data, (c * Height + y) * Width + x0, result.Data, (c * result.Height + (y - y0)) * result.Width, x1 - x0);
        return result;
    }

    /// <summary>Writes <paramref name="source"/>'s rows [sy0, sy0+h) and columns [sx0, sx0+w) at (y, x) of this.</summary>
    public void Paste(Planes source, int sy0, int sx0, int h, int w, int y, int x)
    {
        for (int c = 0; c < Channels; c++)
            for (int r = 0; r < h; r++)
                Array.Copy(source.Data, (c * source.Height + sy0 + r) * source.Width + sx0, Data, (c * Height + y + r) * Width + x, w);
    }

    /// <summary>
    /// One of the 8 symmetries of the square: bit 0 flips left-right, bit 1 flips top-bottom, bit 2 transposes
    /// (applied after the flips).
    /// </summary>
    public Planes Transform(int symmetry)
    {
        bool flipX = (symmetry & 1) != 0, flipY = (symmetry & 2) != 0, transpose = (symmetry & 4) != 0;
        int h = transpose ? Width : Height, w = transpose ? Height : Width;
        var result = Create(Channels, h, w);
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
    public Planes InverseTransform(int symmetry)
    {
        bool transpose = (symmetry & 4) != 0;
        // Undo the transpose first, then the flips (each flip is its own inverse).
        var untransposed = transpose ? Transform(4) : this;
        return untransposed.Transform(symmetry & 3);
    }
}
