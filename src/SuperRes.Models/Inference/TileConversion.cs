using SuperRes.Imaging;
using SuperRes.Models.Networks;

namespace SuperRes.Models.Inference;

/// <summary>
/// The colour side of the streaming upscale, region by region: <see cref="NetworkInput"/> gives the network's input
/// (its convention) for any tile's region straight from the image's samples, and <see cref="Write"/> turns a tile's
/// output back into the image's channels and rounded samples, row by row. Every step is the in-memory pipeline's per
/// pixel, in the same order (bicubic regions included: <see cref="BicubicRegion"/>), so the samples are those of
/// <see cref="Upscaler.Upscale(Image, Action?, bool)"/>; floats exist only for the region at hand. An alpha channel is
/// enlarged by bicubic from the image's own alpha rows, as the in-memory path does by default.
/// </summary>
internal abstract class TileConversion
{
    /// <summary>Output rows converted at a time: bounds the float planes of a conversion whatever the tile size.</summary>
    private const int StripPixels = 1 << 18;

    protected TileConversion(IImageSource source, int scale)
    {
        Source = source;
        Enlarge = new BicubicRegion(source.Width, source.Height, source.Width * scale, source.Height * scale);
        Max = source.BitDepth == 16 ? 65535f : 255f;
    }

    protected IImageSource Source { get; }

    /// <summary>The image's bicubic enlargement to the output size, region by region (chroma, alpha, SRCNN's input).</summary>
    protected BicubicRegion Enlarge { get; }

    /// <summary>The largest level of the image's bit depth.</summary>
    protected float Max { get; }

    /// <summary>Channels that carry colour: all but an alpha channel.</summary>
    protected int ColorChannels => Source.Channels is 2 or 4 ? Source.Channels - 1 : Source.Channels;

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
            WriteColor(block, r, count, x, y + r, band, y + r - bandTop, buffers);
            if (ColorChannels != Source.Channels)
                WriteAlpha(x, y + r, block.Width, count, band, y + r - bandTop, buffers);
        }
    }

    /// <summary>
    /// Rows [<paramref name="first"/>, first + <paramref name="count"/>) of <paramref name="block"/>, which are output
    /// rows from <paramref name="y"/> at column <paramref name="x"/>, as rounded colour samples of band row <paramref name="bandRow"/> on.
    /// </summary>
    protected abstract void WriteColor(Image block, int first, int count, int x, int y, PixelImage band, int bandRow, TileBuffers buffers);

    /// <summary>Row <paramref name="row"/> of channel <paramref name="channel"/> of <paramref name="block"/>.</summary>
    protected static ReadOnlySpan<float> BlockRow(Image block, int channel, int row) =>
        block.Data.AsSpan((channel * block.Height + row) * block.Width, block.Width);

    /// <summary>
    /// The colour of the region as three planes of levels in <paramref name="destination"/> (3 × width × height; a gray
    /// image's levels in all three), the region the in-memory path reads as RGB.
    /// </summary>
    protected void ReadRgb(int x, int y, int width, int height, Span<float> destination)
    {
        int plane = width * height;
        for (int r = 0; r < height; r++)
        {
            var red = destination.Slice(r * width, width);
            Source.ReadRow(x, y + r, 0, red);
            for (int c = 1; c < 3; c++)
            {
                var row = destination.Slice(c * plane + r * width, width);
                if (ColorChannels == 3)
                    Source.ReadRow(x, y + r, c, row);
                else
                    red.CopyTo(row);
            }
        }
    }

    /// <summary>The alpha channel enlarged by bicubic over the output rows [y, y + rows), columns [x, x + width).</summary>
    private void WriteAlpha(int x, int y, int width, int rows, PixelImage band, int bandRow, TileBuffers buffers)
    {
        var (sx, sy, sw, sh) = Enlarge.SourceOf(x, y, width, rows);
        var alpha = buffers.Rent(sw * sh);
        for (int r = 0; r < sh; r++)
            Source.ReadRow(sx, sy + r, Source.Channels - 1, alpha.AsSpan(r * sw, sw));
        var enlarged = buffers.Rent(width * rows);
        Enlarge.Resize(new Image(sw, sh, 1, alpha, Source.BitDepth), sx, sy, x, y, width, rows, enlarged);
        buffers.Return(alpha);
        for (int r = 0; r < rows; r++)
            band.WriteRounded(x, bandRow + r, Source.Channels - 1, enlarged.AsSpan(r * width, width));
        buffers.Return(enlarged);
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

    public RgbTileConversion(IImageSource image, int scale, ColorConvention colors) : base(image, scale)
    {
        _toNet = colors == ColorConvention.Rgb255 ? 255f / Max : 1f / Max;
        NetworkInput = new Input(image.Width, image.Height, 3, (x, y, w, h) =>
        {
            var rgb = new Image(w, h, 3, GC.AllocateUninitializedArray<float>(3 * w * h));
            ReadRgb(x, y, w, h, rgb.Data);
            var data = rgb.Data;
            for (int i = 0; i < data.Length; i++)
                data[i] *= _toNet;
            return rgb;
        });
    }

    public override IImageSource NetworkInput { get; }

    protected override void WriteColor(Image block, int first, int count, int x, int y, PixelImage band, int bandRow, TileBuffers buffers)
    {
        float fromNet = 1f / _toNet;
        var levels = buffers.Rent(block.Width);
        for (int r = 0; r < count; r++)
        {
            if (ColorChannels == 3)
                for (int c = 0; c < 3; c++)
                {
                    Scale(BlockRow(block, c, first + r), fromNet, levels);
                    band.WriteRounded(x, bandRow + r, c, levels);
                }
            else
            {
                // The in-memory path's gray: the mean of the three planes, then the range (Upscaler.FromNetworkRgb).
                ReadOnlySpan<float> red = BlockRow(block, 0, first + r), green = BlockRow(block, 1, first + r), blue = BlockRow(block, 2, first + r);
                for (int i = 0; i < levels.Length; i++)
                    levels[i] = (red[i] + green[i] + blue[i]) / 3 * fromNet;
                band.WriteRounded(x, bandRow + r, 0, levels);
            }
        }
        buffers.Return(levels);
    }

    private static void Scale(ReadOnlySpan<float> source, float factor, Span<float> destination)
    {
        for (int i = 0; i < source.Length; i++)
            destination[i] = source[i] * factor;
    }
}

/// <summary>
/// Y networks: Y by the network, Cb and Cr by MATLAB bicubic per strip from the image's own rows, as the SRCNN/FSRCNN
/// papers do; SRCNN's input (the bicubic-enlarged Y) is enlarged per tile the same way. Gray images are the Y of an
/// RGB image with three equal channels.
/// </summary>
internal sealed class LumaTileConversion : TileConversion
{
    public LumaTileConversion(IImageSource image, int scale, bool preUpsampled) : base(image, scale)
    {
        NetworkInput = preUpsampled
            ? new Input(Enlarge.OutWidth, Enlarge.OutHeight, 1, (x, y, w, h) => Scaled(EnlargedLuma(x, y, w, h), 1f / Max))
            : new Input(image.Width, image.Height, 1, (x, y, w, h) => Scaled(Luma(x, y, w, h), 1f / Max));
    }

    public override IImageSource NetworkInput { get; }

    protected override void WriteColor(Image block, int first, int count, int x, int y, PixelImage band, int bandRow, TileBuffers buffers)
    {
        int width = block.Width, pixels = width * count;
        // Cb and Cr of the image rows this strip reads, enlarged over the strip.
        var (sx, sy, sw, sh) = Enlarge.SourceOf(x, y, width, count);
        var rgb = buffers.Rent(3 * sw * sh);
        ReadRgb(sx, sy, sw, sh, rgb);
        var chroma = buffers.Rent(2 * sw * sh);
        int source = sw * sh;
        ColorSpace.ChromaRow(rgb.AsSpan(0, source), rgb.AsSpan(source, source), rgb.AsSpan(2 * source, source),
                             chroma.AsSpan(0, source), chroma.AsSpan(source, source), Max);
        buffers.Return(rgb);
        var cbcr = buffers.Rent(2 * pixels);
        Enlarge.Resize(new Image(sw, sh, 2, chroma, Source.BitDepth), sx, sy, x, y, width, count, cbcr);
        buffers.Return(chroma);
        // Row by row: Y in the image's range, YCbCr → RGB, rounded into the band.
        var rows = buffers.Rent(4 * width);
        Span<float> luma = rows.AsSpan(0, width), red = rows.AsSpan(width, width), green = rows.AsSpan(2 * width, width), blue = rows.AsSpan(3 * width, width);
        for (int r = 0; r < count; r++)
        {
            var output = BlockRow(block, 0, first + r);
            for (int i = 0; i < width; i++)
                luma[i] = output[i] * Max;
            ColorSpace.RgbRow(luma, cbcr.AsSpan(r * width, width), cbcr.AsSpan(pixels + r * width, width), red, green, blue, Max);
            band.WriteRounded(x, bandRow + r, 0, red);
            if (ColorChannels == 3)
            {
                band.WriteRounded(x, bandRow + r, 1, green);
                band.WriteRounded(x, bandRow + r, 2, blue);
            }
        }
        buffers.Return(rows);
        buffers.Return(cbcr);
    }

    /// <summary>Y of the region's colour in levels, read row by row (a gray image as three equal channels).</summary>
    private Image Luma(int x, int y, int width, int height)
    {
        var luma = new Image(width, height, 1, GC.AllocateUninitializedArray<float>(width * height), Source.BitDepth);
        var rgb = new float[3 * width];
        Span<float> red = rgb.AsSpan(0, width), green = rgb.AsSpan(width, width), blue = rgb.AsSpan(2 * width, width);
        for (int r = 0; r < height; r++)
        {
            Source.ReadRow(x, y + r, 0, red);
            if (ColorChannels == 3)
            {
                Source.ReadRow(x, y + r, 1, green);
                Source.ReadRow(x, y + r, 2, blue);
            }
            else
            {
                red.CopyTo(green);
                red.CopyTo(blue);
            }
            ColorSpace.LumaRow(red, green, blue, luma.Data.AsSpan(r * width, width), Max);
        }
        return luma;
    }

    /// <summary>The bicubic-enlarged Y over the output region, from the image rows and columns it reads.</summary>
    private Image EnlargedLuma(int x, int y, int width, int height)
    {
        var (sx, sy, sw, sh) = Enlarge.SourceOf(x, y, width, height);
        return Enlarge.Resize(Luma(sx, sy, sw, sh), sx, sy, x, y, width, height);
    }

    private static Image Scaled(Image image, float factor)
    {
        for (int i = 0; i < image.Data.Length; i++)
            image.Data[i] *= factor;
        return image;
    }
}
