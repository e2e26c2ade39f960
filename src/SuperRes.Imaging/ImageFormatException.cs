namespace SuperRes.Imaging;

/// <summary>
/// A file is not a readable image: unknown format, corrupt or truncated data, unsupported variant,
/// or dimensions over <see cref="ImageLimits.MaxPixels"/>. The message starts with the file name.
/// </summary>
public class ImageFormatException : SuperResException
{
    /// <summary>The file (or "&lt;memory&gt;") that could not be decoded.</summary>
    public string FileName { get; }

    public ImageFormatException(string fileName, string problem, Exception? inner = null)
        : base($"{fileName}: {problem}", inner)
    {
        FileName = fileName;
    }
}

/// <summary>Limits checked against a file's header before any pixel memory is allocated.</summary>
public static class ImageLimits
{
    /// <summary>
    /// Default 16384 × 16384 = 268,435,456 pixels: as the upscaler holds a decoded image (<see cref="PixelImage"/>, its
    /// samples at their own bit depth) 768 MiB for 8-bit RGB, 1.5 GiB for 16-bit RGB (a float <see cref="Image"/> of it
    /// would take 3 GiB); <c>superres upscale</c> counts those bytes against its memory limit before decoding.
    /// </summary>
    public const long DefaultMaxPixels = 16384L * 16384L;

    private static long _maxPixels = DefaultMaxPixels;

    /// <summary>Images whose header claims more pixels than this are refused. Process-wide.</summary>
    public static long MaxPixels
    {
        get => Volatile.Read(ref _maxPixels);
        set => Volatile.Write(ref _maxPixels, value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value)));
    }

    internal static void Check(string fileName, long width, long height)
    {
        if (width <= 0 || height <= 0)
            throw new ImageFormatException(fileName, $"invalid image size {width}x{height}");
        long max = MaxPixels;
        Int128 pixels = (Int128)width * height; // cannot overflow, unlike long × long
        if (pixels > max)
            throw new ImageFormatException(fileName,
                $"image is {width}x{height} = {pixels} pixels, more than ImageLimits.MaxPixels ({max})");
    }
}

/// <summary>An image cannot be written in the format asked for (a JPEG over 65535 pixels a side, an encoder's refusal). The message starts with the file name.</summary>
public sealed class ImageWriteException(string fileName, string problem, Exception? inner = null)
    : SuperResException($"{fileName}: {problem}", inner)
{
    /// <summary>The file that could not be written.</summary>
    public string FileName { get; } = fileName;
}
