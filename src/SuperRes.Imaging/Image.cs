namespace SuperRes.Imaging;

/// <summary>
/// A decoded raster image: <see cref="Channels"/> planes of float32 samples stored planar
/// (channel-major, "CHW": <c>Data[c * Width * Height + y * Width + x]</c>), because every consumer
/// here (networks, separable resize, Y-channel metrics) works on whole planes.
/// Samples keep the source range: [0, 255] for 8-bit sources, [0, 65535] for 16-bit ones;
/// <see cref="BitDepth"/> records which, so a 16-bit input can be written back as 16-bit.
/// Channel order: 1 = gray, 2 = gray+alpha, 3 = RGB, 4 = RGBA (alpha straight, not premultiplied).
/// The same layout is an NCHW tensor's, so the upscaler also keeps planes in a network's convention
/// (RGB in [0, 1], say) in an Image; there <see cref="BitDepth"/> is not used.
/// </summary>
public sealed partial class Image : IImageSource
{
    public int Width { get; }
    public int Height { get; }
    public int Channels { get; }
    /// <summary>8 or 16: the integer range the samples are expressed in.</summary>
    public int BitDepth { get; }
    /// <summary>Planar samples, length Channels × Width × Height.</summary>
    public float[] Data { get; }

    public Image(int width, int height, int channels, int bitDepth = 8)
        : this(width, height, channels, null, bitDepth) { }

    /// <summary>Wraps <paramref name="data"/> (not copied); null allocates a zeroed buffer.</summary>
    public Image(int width, int height, int channels, float[]? data, int bitDepth = 8)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"image size {width}x{height} must be positive");
        if (channels is < 1 or > 4) throw new ArgumentOutOfRangeException(nameof(channels), $"channels must be 1..4, got {channels}");
        if (bitDepth is not (8 or 16)) throw new ArgumentOutOfRangeException(nameof(bitDepth), $"bit depth must be 8 or 16, got {bitDepth}");
        long n = (long)width * height * channels;
        if (n > Array.MaxLength) throw new ArgumentOutOfRangeException(nameof(width), $"image {width}x{height}x{channels} is too large for one array");
        if (data != null && data.Length != n) throw new ArgumentException($"data has {data.Length} samples, expected {n}", nameof(data));
        Width = width; Height = height; Channels = channels; BitDepth = bitDepth;
        Data = data ?? new float[n];
    }

    /// <summary>Largest sample value of the bit depth: 255 or 65535.</summary>
    public float MaxValue => BitDepth == 16 ? 65535f : 255f;
    public int PlaneSize => Width * Height;
    public bool HasAlpha => Channels is 2 or 4;

    public Span<float> Plane(int channel) => Data.AsSpan(channel * PlaneSize, PlaneSize);

    public float this[int channel, int y, int x]
    {
        get => Data[(channel * Height + y) * Width + x];
        set => Data[(channel * Height + y) * Width + x] = value;
    }

    public void ReadRow(int x, int y, int channel, Span<float> destination) =>
        Data.AsSpan((channel * Height + y) * Width + x, destination.Length).CopyTo(destination);

    public Image Clone() => new(Width, Height, Channels, (float[])Data.Clone(), BitDepth);

    /// <summary>Rescales samples to another bit depth (×65535/255 = ×257 up, ÷257 down); no rounding.</summary>
    public Image ToBitDepth(int bitDepth)
    {
        if (bitDepth == BitDepth) return Clone();
        var result = new Image(Width, Height, Channels, bitDepth);
        float k = result.MaxValue / MaxValue;
        for (int i = 0; i < Data.Length; i++) result.Data[i] = Data[i] * k;
        return result;
    }

    /// <summary>
    /// Rounds to integer levels and clips to [0, MaxValue], exactly as MATLAB's uint8()/uint16()
    /// conversion of doubles (round half away from zero, saturate, NaN → 0).
    /// </summary>
    public Image Quantized()
    {
        var result = new Image(Width, Height, Channels, BitDepth);
        QuantizeInto(Data, result.Data, MaxValue);
        return result;
    }

    /// <summary>Rounds and clips like <see cref="Quantized"/>, in place: for an image about to be written, without a second copy.</summary>
    public void Quantize() => QuantizeInto(Data, Data, MaxValue);

    internal static void QuantizeInto(ReadOnlySpan<float> src, Span<float> dst, float max) => SampleRounding.Round(src, dst, max);

    internal static float QuantizeSample(double v, float max)
    {
        if (!(v > 0)) return 0f; // also NaN
        if (v >= max) return max;
        return (float)Math.Round(v, MidpointRounding.AwayFromZero);
    }

    /// <summary>Copies <paramref name="count"/> planes starting at <paramref name="first"/>.</summary>
    public Image SelectChannels(int first, int count)
    {
        if (first < 0 || count < 1 || first + count > Channels) throw new ArgumentOutOfRangeException(nameof(count));
        var result = new Image(Width, Height, count, BitDepth);
        Data.AsSpan(first * PlaneSize, count * PlaneSize).CopyTo(result.Data);
        return result;
    }

    /// <summary>The <paramref name="width"/>×<paramref name="height"/> region at (x, y), all channels (e.g. MATLAB's modcrop).</summary>
    public Image Crop(int x, int y, int width, int height)
    {
        if (x < 0 || y < 0 || width <= 0 || height <= 0 || x + width > Width || y + height > Height)
            throw new ArgumentOutOfRangeException(nameof(width), $"crop {width}x{height}+{x}+{y} is outside {Width}x{Height}");
        var result = new Image(width, height, Channels, BitDepth);
        for (int c = 0; c < Channels; c++)
            for (int r = 0; r < height; r++)
                Array.Copy(Data, (c * Height + y + r) * Width + x, result.Data, (c * height + r) * width, width);
        return result;
    }

    /// <summary><see cref="Crop"/>, also of the whole image (then a copy): the caller owns the result.</summary>
    public Image ReadRegion(int x, int y, int width, int height) =>
        x == 0 && y == 0 && width == Width && height == Height ? Clone() : Crop(x, y, width, height);

    /// <summary>The colour planes only (gray or RGB); returns a copy when there is no alpha.</summary>
    public Image WithoutAlpha() => SelectChannels(0, HasAlpha ? Channels - 1 : Channels);

    /// <summary>Gray (+alpha) expanded to RGB (+alpha); copies RGB(A) images unchanged.</summary>
    public Image ToRgb()
    {
        if (Channels >= 3) return Clone();
        var result = new Image(Width, Height, Channels + 2, BitDepth);
        for (int c = 0; c < 3; c++) Plane(0).CopyTo(result.Plane(c));
        if (Channels == 2) Plane(1).CopyTo(result.Plane(3));
        return result;
    }
}
