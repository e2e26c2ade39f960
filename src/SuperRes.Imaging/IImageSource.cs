namespace SuperRes.Imaging;

/// <summary>
/// An image read region by region as float planes of its integer levels: the float form exists only for the region
/// asked for. <see cref="Image"/> (already float) and <see cref="PixelImage"/> (samples at the image's own bit depth)
/// both are sources, so the upscaler's tiles read either the same way.
/// </summary>
public interface IImageSource
{
    int Width { get; }
    int Height { get; }
    int Channels { get; }

    /// <summary>8 or 16: the range of the levels.</summary>
    int BitDepth { get; }

    /// <summary>The <paramref name="width"/> × <paramref name="height"/> region at (x, y), all channels, as a new image the caller owns.</summary>
    Image ReadRegion(int x, int y, int width, int height);

    /// <summary>
    /// Channel <paramref name="channel"/> of row <paramref name="y"/> from column <paramref name="x"/>, as float levels
    /// into <paramref name="destination"/> (its length is the width read): what <see cref="ReadRegion"/> gives for that
    /// row, without a region's planes (the upscaler reads its tiles row by row into buffers it reuses).
    /// </summary>
    void ReadRow(int x, int y, int channel, Span<float> destination) =>
        ReadRegion(x, y, destination.Length, 1).Plane(channel).CopyTo(destination);
}
