using SuperRes.Imaging;
using SuperRes.Models.Networks;

namespace SuperRes.Models.Inference;

/// <summary>
/// The colour side of the streaming upscale, region by region: <see cref="NetworkInput"/> gives the network's input
/// (its convention) for any tile's region straight from the image's samples, and <see cref="ToLevels"/> turns a strip
/// of a tile's output back into the image's channels and levels. Every step is the in-memory pipeline's per pixel, in
/// the same order (bicubic regions included: <see cref="BicubicRegion"/>), so the samples are those of
/// <see cref="Upscaler.Upscale(Image, Action?, bool)"/>; floats exist only for the region at hand.
/// </summary>
internal abstract class TileConversion(IImageSource source)
{
    /// <summary>Output rows converted at a time: bounds the float planes of a conversion whatever the tile size.</summary>
    private const int StripPixels = 1 << 18;

    protected IImageSource Source { get; } = source;

    /// <summary>The network's input, read region by region.</summary>
    public abstract IImageSource NetworkInput { get; }

    /// <summary>
    /// Converts <paramref name="block"/> (network output at output column <paramref name="x"/>, row <paramref name="y"/>)
    /// strip by strip into rounded samples of <paramref name="band"/>, whose first row is output row <paramref name="bandTop"/>.
    /// The strips' arrays come from and go back to <paramref name="buffers"/>.
    /// </summary>
    public void Write(Image block, int x, int y, PixelImage band, int bandTop, TileBuffers buffers)
    {
        int rows = Math.Max(1, StripPixels / block.Width);
        for (int r = 0; r < block.Height; r += rows)
        {
            int count = Math.Min(rows, block.Height - r);
            var strip = count == block.Height ? block : buffers.Crop(block, 0, r, block.Width, count);
            var levels = ToLevels(strip, x, y + r, buffers);
            levels.Quantize();
            band.Write(levels, x, y + r - bandTop);
            if (!ReferenceEquals(levels, strip))
                buffers.Return(levels);
            if (!ReferenceEquals(strip, block))
                buffers.Return(strip);
        }
    }

    /// <summary>
    /// The image's channels (unrounded) for a strip of network output at output column x, row y: the strip itself
    /// rewritten, or an image rented from <paramref name="buffers"/>.
    /// </summary>
    protected abstract Image ToLevels(Image strip, int x, int y, TileBuffers buffers);

    /// <summary>The colour region as RGB planes of levels: gray read as three equal channels.</summary>
    protected Image RgbRegion(int x, int y, int width, int height)
    {
        var region = Source.ReadRegion(x, y, width, height);
        return region.Channels == 3 ? region : Image.Stack(region, region, region);
    }

    /// <summary>A network input read through a function of the region.</summary>
    protected sealed class Input(int width, int height, int channels, Func<int, int, int, int, Image> read) : IImageSource
    {
        public int Width => width;
        public int Height => height;
        public int Channels => channels;
        public int BitDepth => 8;
        public Image ReadRegion(int x, int y, int w, int h) => read(x, y, w, h);
    }
}

/// <summary>RGB networks (in [0, 255] or [0, 1]); gray images run as three equal channels, averaged back to one.</summary>
internal sealed class RgbTileConversion : TileConversion
{
    private readonly float _toNet;

    public RgbTileConversion(IImageSource image, ColorConvention colors) : base(image)
    {
        float max = image.BitDepth == 16 ? 65535f : 255f;
        _toNet = colors == ColorConvention.Rgb255 ? 255f / max : 1f / max;
        NetworkInput = new Input(image.Width, image.Height, 3, (x, y, w, h) =>
        {
            var rgb = RgbRegion(x, y, w, h);
            for (int i = 0; i < rgb.Data.Length; i++)
                rgb.Data[i] *= _toNet;
            return rgb;
        });
    }

    public override IImageSource NetworkInput { get; }

    protected override Image ToLevels(Image strip, int x, int y, TileBuffers buffers)
    {
        var levels = buffers.RentImage(strip.Width, strip.Height, Source.Channels, Source.BitDepth);
        Upscaler.FromNetworkRgb(strip, levels, 1f / _toNet);
        return levels;
    }
}

/// <summary>
/// Y networks: Y by the network, Cb and Cr by MATLAB bicubic per strip from the image's own rows, as the SRCNN/FSRCNN
/// papers do; SRCNN's input (the bicubic-enlarged Y) is enlarged per tile the same way. Gray images are the Y of an
/// RGB image with three equal channels.
/// </summary>
internal sealed class LumaTileConversion : TileConversion
{
    private readonly BicubicRegion _enlarge;
    private readonly float _max;

    public LumaTileConversion(IImageSource image, int scale, bool preUpsampled) : base(image)
    {
        _max = image.BitDepth == 16 ? 65535f : 255f;
        _enlarge = new BicubicRegion(image.Width, image.Height, image.Width * scale, image.Height * scale);
        NetworkInput = preUpsampled
            ? new Input(_enlarge.OutWidth, _enlarge.OutHeight, 1, (x, y, w, h) => Scaled(EnlargedLuma(x, y, w, h), 1f / _max))
            : new Input(image.Width, image.Height, 1, (x, y, w, h) => Scaled(ColorSpace.Luma(RgbRegion(x, y, w, h)), 1f / _max));
    }

    public override IImageSource NetworkInput { get; }

    protected override Image ToLevels(Image strip, int x, int y, TileBuffers buffers)
    {
        int pixels = strip.Width * strip.Height;
        var ycbcr = new Image(strip.Width, strip.Height, 3, buffers.Rent(3 * pixels), Source.BitDepth);
        var luma = ycbcr.Plane(0);
        for (int i = 0; i < luma.Length; i++)
            luma[i] = strip.Data[i] * _max;
        // Cb and Cr enlarged straight into planes 1 and 2.
        var (sx, sy, sw, sh) = _enlarge.SourceOf(x, y, strip.Width, strip.Height);
        var chroma = ColorSpace.Chroma(RgbRegion(sx, sy, sw, sh), buffers.Rent(2 * sw * sh));
        var cbcr = buffers.Rent(2 * pixels);
        _enlarge.Resize(chroma, sx, sy, x, y, strip.Width, strip.Height, cbcr);
        buffers.Return(chroma);
        Array.Copy(cbcr, 0, ycbcr.Data, pixels, 2 * pixels);
        buffers.Return(cbcr);
        ColorSpace.YCbCrToRgbInPlace(ycbcr);
        if (Source.Channels == 3)
            return ycbcr;
        var gray = buffers.Crop(ycbcr, 0, 0, ycbcr.Width, ycbcr.Height, channels: 1);
        buffers.Return(ycbcr);
        return gray;
    }

    /// <summary>The bicubic-enlarged Y over the output region, from the image rows and columns it reads.</summary>
    private Image EnlargedLuma(int x, int y, int width, int height)
    {
        var (sx, sy, sw, sh) = _enlarge.SourceOf(x, y, width, height);
        return _enlarge.Resize(ColorSpace.Luma(RgbRegion(sx, sy, sw, sh)), sx, sy, x, y, width, height);
    }

    private static Image Scaled(Image image, float factor)
    {
        for (int i = 0; i < image.Data.Length; i++)
            image.Data[i] *= factor;
        return image;
    }
}
