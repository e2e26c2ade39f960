namespace SuperRes.Imaging;

/// <summary>
/// An image as integer samples at its own bit depth, interleaved row by row as PNG stores them (8-bit, or 16-bit
/// big-endian): the compact form an upscale's output is assembled in, 1 or 2 bytes a sample instead of a float's 4.
/// Channel order as in <see cref="Image"/>.
/// </summary>
public sealed class PixelImage
{
    public PixelImage(int width, int height, int channels, int bitDepth)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"image size {width}x{height} must be positive");
        if (channels is < 1 or > 4) throw new ArgumentOutOfRangeException(nameof(channels), $"channels must be 1..4, got {channels}");
        if (bitDepth is not (8 or 16)) throw new ArgumentOutOfRangeException(nameof(bitDepth), $"bit depth must be 8 or 16, got {bitDepth}");
        long bytes = BytesFor(width, height, channels, bitDepth);
        if (bytes > Array.MaxLength) throw new ArgumentOutOfRangeException(nameof(width), $"image {width}x{height}x{channels} at {bitDepth} bits is too large for one array");
        (Width, Height, Channels, BitDepth) = (width, height, channels, bitDepth);
        Samples = new byte[bytes];
    }

    public int Width { get; }
    public int Height { get; }
    public int Channels { get; }
    public int BitDepth { get; }

    /// <summary>The rows, <see cref="RowBytes"/> each, top to bottom.</summary>
    public byte[] Samples { get; }

    public int RowBytes => Width * Channels * (BitDepth / 8);

    /// <summary>Bytes of the samples of a <paramref name="width"/> × <paramref name="height"/> image.</summary>
    public static long BytesFor(long width, long height, int channels, int bitDepth) => width * height * channels * (bitDepth / 8);

    public Span<byte> Row(int y) => Samples.AsSpan(y * RowBytes, RowBytes);

    /// <summary>
    /// Stores the samples of <paramref name="levels"/> (planes of integer levels, as <see cref="Image.Quantize"/>
    /// leaves them, with this image's channels) at column <paramref name="x0"/>, row <paramref name="y0"/>.
    /// </summary>
    public void Write(Image levels, int x0, int y0)
    {
        if (levels.Channels != Channels || x0 < 0 || y0 < 0 || x0 + levels.Width > Width || y0 + levels.Height > Height)
            throw new ArgumentException($"a {levels.Width}x{levels.Height}x{levels.Channels} block at ({x0}, {y0}) does not fit a {Width}x{Height}x{Channels} image");
        int bytes = BitDepth / 8;
        for (int y = 0; y < levels.Height; y++)
        {
            var row = Row(y0 + y)[(x0 * Channels * bytes)..];
            for (int c = 0; c < Channels; c++)
            {
                var plane = levels.Data.AsSpan(c * levels.PlaneSize + y * levels.Width, levels.Width);
                if (bytes == 1)
                    for (int x = 0, o = c; x < plane.Length; x++, o += Channels)
                        row[o] = (byte)plane[x];
                else
                    for (int x = 0, o = 2 * c; x < plane.Length; x++, o += 2 * Channels)
                    {
                        int level = (int)plane[x];
                        row[o] = (byte)(level >> 8);
                        row[o + 1] = (byte)level;
                    }
            }
        }
    }

    /// <summary>The samples as float planes of integer levels (for the encoders that take an <see cref="Image"/>).</summary>
    public Image ToImage()
    {
        var image = new Image(Width, Height, Channels, BitDepth);
        int bytes = BitDepth / 8, plane = Width * Height;
        for (int y = 0; y < Height; y++)
        {
            var row = Row(y);
            for (int x = 0; x < Width; x++)
                for (int c = 0; c < Channels; c++)
                {
                    int o = (x * Channels + c) * bytes;
                    image.Data[c * plane + y * Width + x] = bytes == 1 ? row[o] : row[o] << 8 | row[o + 1];
                }
        }
        return image;
    }
}
