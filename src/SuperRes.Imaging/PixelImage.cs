namespace SuperRes.Imaging;

/// <summary>
/// An image as integer samples at its own bit depth, interleaved row by row as PNG stores them (8-bit, or 16-bit
/// big-endian): the compact form an upscale's output is assembled in, 1 or 2 bytes a sample instead of a float's 4.
/// Channel order as in <see cref="Image"/>. Decoded images are held this way too (<see cref="ImageCodec.ReadPixels"/>)
/// and become float only region by region (<see cref="ReadRegion"/>).
/// </summary>
public sealed class PixelImage : IImageSource
{
    public PixelImage(int width, int height, int channels, int bitDepth)
        : this(width, height, channels, bitDepth, null) { }

    /// <summary>Wraps <paramref name="samples"/> (not copied; null allocates zeroed rows).</summary>
    public PixelImage(int width, int height, int channels, int bitDepth, byte[]? samples)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"image size {width}x{height} must be positive");
        if (channels is < 1 or > 4) throw new ArgumentOutOfRangeException(nameof(channels), $"channels must be 1..4, got {channels}");
        if (bitDepth is not (8 or 16)) throw new ArgumentOutOfRangeException(nameof(bitDepth), $"bit depth must be 8 or 16, got {bitDepth}");
        long bytes = BytesFor(width, height, channels, bitDepth);
        if (bytes > Array.MaxLength) throw new ArgumentOutOfRangeException(nameof(width), $"image {width}x{height}x{channels} at {bitDepth} bits is too large for one array");
        if (samples is not null && samples.Length != bytes)
            throw new ArgumentException($"{samples.Length} sample bytes, expected {bytes} for {width}x{height}x{channels} at {bitDepth} bits", nameof(samples));
        (Width, Height, Channels, BitDepth) = (width, height, channels, bitDepth);
        Samples = samples ?? new byte[bytes];
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

    /// <summary>Rows [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>) as one span.</summary>
    public Span<byte> Rows(int first, int count) => Samples.AsSpan(first * RowBytes, count * RowBytes);

    /// <summary>Sets channel <paramref name="c"/> of pixel (x, y) to <paramref name="level"/> (0 … 2^BitDepth − 1).</summary>
    public void SetSample(int x, int y, int c, int level)
    {
        int o = y * RowBytes + (x * Channels + c) * (BitDepth / 8);
        if (BitDepth == 8)
            Samples[o] = (byte)level;
        else
        {
            Samples[o] = (byte)(level >> 8);
            Samples[o + 1] = (byte)level;
        }
    }

    /// <summary>
    /// The samples of <paramref name="levels"/> when every one is an integer level of its bit depth (what a decoder
    /// gives); null otherwise (a CMYK JPEG's converted samples), when only the float planes hold the image exactly.
    /// </summary>
    public static PixelImage? FromLevels(Image levels)
    {
        foreach (float v in levels.Data)
            if (!(v >= 0 && v <= levels.MaxValue) || v != MathF.Floor(v))
                return null;
        var pixels = new PixelImage(levels.Width, levels.Height, levels.Channels, levels.BitDepth);
        pixels.Write(levels, 0, 0);
        return pixels;
    }

    /// <summary>The region's samples as float planes of integer levels (the form the upscaler's tiles read).</summary>
    public Image ReadRegion(int x, int y, int width, int height)
    {
        if (x < 0 || y < 0 || width <= 0 || height <= 0 || x + width > Width || y + height > Height)
            throw new ArgumentOutOfRangeException(nameof(width), $"region {width}x{height}+{x}+{y} is outside {Width}x{Height}");
        var image = new Image(width, height, Channels, BitDepth);
        int plane = width * height, bytes = BitDepth / 8;
        float[] d = image.Data;
        for (int r = 0; r < height; r++)
        {
            var row = Row(y + r)[(x * Channels * bytes)..];
            int o = r * width;
            if (bytes == 1)
            {
                if (Channels == 1)
                    for (int i = 0; i < width; i++) d[o + i] = row[i];
                else
                    for (int c = 0; c < Channels; c++)
                        for (int i = 0, s = c; i < width; i++, s += Channels) d[c * plane + o + i] = row[s];
            }
            else
                for (int c = 0; c < Channels; c++)
                    for (int i = 0, s = 2 * c; i < width; i++, s += 2 * Channels) d[c * plane + o + i] = row[s] << 8 | row[s + 1];
        }
        return image;
    }

    public void ReadRow(int x, int y, int channel, Span<float> destination)
    {
        if (x < 0 || y < 0 || y >= Height || channel < 0 || channel >= Channels || x + destination.Length > Width)
            throw new ArgumentOutOfRangeException(nameof(destination), $"{destination.Length} samples of channel {channel} at ({x}, {y}) are outside {Width}x{Height}x{Channels}");
        if (BitDepth == 8)
        {
            var row = Row(y)[(x * Channels + channel)..];
            for (int i = 0, s = 0; i < destination.Length; i++, s += Channels)
                destination[i] = row[s];
        }
        else
        {
            var row = Row(y)[(2 * (x * Channels + channel))..];
            for (int i = 0, s = 0; i < destination.Length; i++, s += 2 * Channels)
                destination[i] = row[s] << 8 | row[s + 1];
        }
    }

    /// <summary>
    /// Rounds <paramref name="levels"/> as <see cref="Image.Quantize"/> does (half away from zero, clipped to [0, max],
    /// NaN → 0) and stores them as channel <paramref name="channel"/> of row <paramref name="y"/> from column
    /// <paramref name="x"/>: <see cref="Write"/> of a quantized row, without the rounded float copy.
    /// </summary>
    public void WriteRounded(int x, int y, int channel, ReadOnlySpan<float> levels)
    {
        if (x < 0 || y < 0 || y >= Height || channel < 0 || channel >= Channels || x + levels.Length > Width)
            throw new ArgumentOutOfRangeException(nameof(levels), $"{levels.Length} samples of channel {channel} at ({x}, {y}) are outside {Width}x{Height}x{Channels}");
        Span<ushort> rounded = stackalloc ushort[256];
        int bytes = BitDepth / 8, stride = Channels * bytes;
        var row = Row(y)[((x * Channels + channel) * bytes)..];
        for (int start = 0; start < levels.Length; start += rounded.Length)
        {
            var chunk = levels.Slice(start, Math.Min(rounded.Length, levels.Length - start));
            SampleRounding.Round(chunk, rounded, BitDepth == 16 ? 65535f : 255f);
            int o = start * stride;
            if (bytes == 1)
                for (int i = 0; i < chunk.Length; i++, o += stride)
                    row[o] = (byte)rounded[i];
            else
                for (int i = 0; i < chunk.Length; i++, o += stride)
                {
                    row[o] = (byte)(rounded[i] >> 8);
                    row[o + 1] = (byte)rounded[i];
                }
        }
    }

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

    /// <summary>The samples as float planes of integer levels (for the encoders and callers that take an <see cref="Image"/>).</summary>
    public Image ToImage() => ReadRegion(0, 0, Width, Height);
}
