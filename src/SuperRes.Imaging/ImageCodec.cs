using SuperRes.Imaging.Codecs;

namespace SuperRes.Imaging;

public enum ImageFormat { Png, Jpeg, Bmp }

/// <summary>Reading and writing image files. The format of an input is sniffed from its magic bytes.</summary>
public static class ImageCodec
{
    public const int DefaultJpegQuality = 95;

    /// <summary>zlib level of PNG output (0 = stored … 9 = smallest); see <see cref="PngEncoder"/> for why this one.</summary>
    public const int DefaultPngCompression = PngEncoder.DefaultLevel;

    /// <summary>
    /// Reads a file as compactly as it can be held exactly: the samples at their own bit depth (<see cref="PixelImage"/>,
    /// 1 or 2 bytes a sample) for PNG, gray and colour JPEG and BMP; float planes (<see cref="Image"/>) only for CMYK
    /// JPEGs, whose converted samples are not integer levels. Errors as <see cref="Read"/>.
    /// </summary>
    public static IImageSource ReadSamples(string path) => ReadSamples(File.ReadAllBytes(path), path);

    /// <summary>
    /// <see cref="ReadSamples(string)"/>, but a PNG's rows are decoded on a thread of their own while the caller goes on
    /// (a <see cref="DecodingImage"/>: reads wait for the rows they need). The file is read and its structure checked
    /// (chunks, CRCs, header, size limits) before this returns; an error in the pixel data is thrown by the read that
    /// needs the rows. Other formats are decoded whole before this returns.
    /// </summary>
    public static IImageSource StartReadingSamples(string path)
    {
        var data = File.ReadAllBytes(path);
        if (Sniff(data) != ImageFormat.Png)
            return ReadSamples(data, path);
        return Decoding(ImageFormat.Png, path, () => PngDecoder.StartDecoding(data, path));
    }

    private static IImageSource ReadSamples(byte[] data, string path)
    {
        var format = Sniff(data);
        if (format == ImageFormat.Png)
            return Decoding(format.Value, path, () => PngDecoder.DecodePixels(data, path));
        if (format == ImageFormat.Jpeg && Decoding(format.Value, path, () => JpegCodec.DecodePixels(data, path)) is { } jpeg)
            return jpeg;
        var image = Decode(data, path);
        return format == ImageFormat.Bmp ? PixelImage.FromLevels(image) ?? (IImageSource)image : image;
    }

    /// <summary>Reads a PNG, JPEG or BMP file. Throws <see cref="ImageFormatException"/> (message starts
    /// with the path) for unknown, corrupt, truncated or oversized files.</summary>
    public static Image Read(string path) => Decode(File.ReadAllBytes(path), path);

    /// <summary>Decodes an in-memory file; <paramref name="sourceName"/> is used in error messages.</summary>
    public static Image Decode(byte[] data, string sourceName = "<memory>")
    {
        var format = Sniff(data) ?? throw new ImageFormatException(sourceName,
            data.Length == 0 ? "empty file" : $"not a PNG, JPEG or BMP file (starts with {Convert.ToHexString(data.AsSpan(0, Math.Min(8, data.Length)))})");
        return Decoding(format, sourceName, () => format switch
        {
            ImageFormat.Png => PngDecoder.Decode(data, sourceName),
            ImageFormat.Jpeg => JpegCodec.Decode(data, sourceName),
            _ => BmpCodec.Decode(data, sourceName),
        });
    }

    internal static void Decoding(ImageFormat format, string sourceName, Action decode) =>
        Decoding(format, sourceName, () => { decode(); return 0; });

    internal static T Decoding<T>(ImageFormat format, string sourceName, Func<T> decode)
    {
        try
        {
            return decode();
        }
        catch (Exception ex) when (ex is IndexOutOfRangeException or ArgumentException or OverflowException or InvalidDataException)
        {
            // Safety net: the decoders bounds-check what they read, but a hostile file must never
            // surface as a bare IndexOutOfRange from deep inside a codec.
            throw new ImageFormatException(sourceName, $"{format} corrupt: {ex.Message}", ex);
        }
    }

    /// <summary>The format from the first bytes, or null when not PNG/JPEG/BMP.</summary>
    public static ImageFormat? Sniff(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 8 && head[..8].SequenceEqual(PngDecoder.Signature)) return ImageFormat.Png;
        if (head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF) return ImageFormat.Jpeg;
        if (head.Length >= 2 && head[0] == 'B' && head[1] == 'M') return ImageFormat.Bmp;
        return null;
    }

    /// <summary>"png", ".jpg", "jpeg", "out/x.BMP" → the format; throws ArgumentException otherwise.</summary>
    public static ImageFormat FormatFromName(string nameOrExtension)
    {
        string ext = Path.GetExtension(nameOrExtension);
        if (ext.Length == 0) ext = nameOrExtension;
        return ext.TrimStart('.').ToLowerInvariant() switch
        {
            "png" => ImageFormat.Png,
            "jpg" or "jpeg" or "jpe" or "jfif" => ImageFormat.Jpeg,
            "bmp" or "dib" => ImageFormat.Bmp,
            _ => throw new ArgumentException($"unknown image format '{nameOrExtension}' (expected png, jpg or bmp)", nameof(nameOrExtension)),
        };
    }

    /// <summary>
    /// Encodes to a file image in memory. PNG keeps 8/16 bits; JPEG and BMP are 8-bit. <paramref name="quality"/> is
    /// JPEG's (1–100), <paramref name="pngCompression"/> PNG's zlib level (0–9).
    /// </summary>
    public static byte[] Encode(Image image, ImageFormat format, int quality = DefaultJpegQuality, int pngCompression = DefaultPngCompression) => format switch
    {
        ImageFormat.Png => PngEncoder.Encode(image, pngCompression),
        ImageFormat.Jpeg => JpegCodec.Encode(image, quality),
        ImageFormat.Bmp => BmpCodec.Encode(image),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>Encodes integer samples: PNG and 8-bit gray/RGB JPEG straight from the rows, the rest as <see cref="Image"/> levels.</summary>
    public static byte[] Encode(PixelImage image, ImageFormat format, int quality = DefaultJpegQuality, int pngCompression = DefaultPngCompression) => format switch
    {
        ImageFormat.Png => PngEncoder.Encode(image, pngCompression),
        ImageFormat.Jpeg => JpegCodec.Encode(image, quality),
        _ => Encode(image.ToImage(), format, quality, pngCompression),
    };

    /// <summary>
    /// Writes <paramref name="image"/> (format from the extension when null). The bytes go to a
    /// temporary file in the same folder which then replaces <paramref name="path"/>, so a reader
    /// never sees a half-written output, even if the process dies mid-write.
    /// </summary>
    public static void Write(string path, Image image, ImageFormat? format = null, int quality = DefaultJpegQuality, int pngCompression = DefaultPngCompression) =>
        WriteAtomically(path, Encode(image, Writable(path, format, image.Width, image.Height), quality, pngCompression));

    /// <summary>Writes integer samples as <see cref="Write(string, Image, ImageFormat?, int, int)"/> writes an image of the same levels.</summary>
    public static void Write(string path, PixelImage image, ImageFormat? format = null, int quality = DefaultJpegQuality, int pngCompression = DefaultPngCompression) =>
        WriteAtomically(path, Encode(image, Writable(path, format, image.Width, image.Height), quality, pngCompression));

    /// <summary>The format to write <paramref name="path"/> in, once the image's size is known to fit it.</summary>
    private static ImageFormat Writable(string path, ImageFormat? format, int width, int height)
    {
        var f = format ?? FormatFromName(path);
        if (f == ImageFormat.Jpeg)
            JpegStreamEncoder.CheckSize(path, width, height);
        return f;
    }

    /// <summary>
    /// A file that takes the image's rows as they are produced (<see cref="ImageRowSink"/>): PNG is filtered and deflated
    /// band by band as rows arrive, with the bytes <see cref="Write(string, PixelImage, ImageFormat?, int, int)"/> would
    /// write; JPEG is compressed strip by strip as rows arrive and the strips joined by restart markers
    /// (<see cref="JpegStreamEncoder"/>: the pixels <see cref="Write(string, PixelImage, ImageFormat?, int, int)"/>'s
    /// file decodes to, and its very bytes when the image is one strip); BMP rows are packed and written in place as they
    /// arrive, with <see cref="Write(string, PixelImage, ImageFormat?, int, int)"/>'s bytes. The file appears under
    /// <paramref name="path"/> only when <see cref="ImageRowSink.Complete"/> succeeds.
    /// </summary>
    public static ImageRowSink CreateWriter(string path, int width, int height, int channels, int bitDepth, ImageFormat? format = null,
                                            int quality = DefaultJpegQuality, int pngCompression = DefaultPngCompression) =>
        (format ?? FormatFromName(path)) switch
        {
            ImageFormat.Png => new StreamedFileSink(path, width, height, channels, bitDepth,
                stream => new PngStreamEncoder(stream, width, height, channels, bitDepth, pngCompression, PngEncoder.DefaultFilter)),
            ImageFormat.Jpeg => CreateJpegWriter(path, width, height, channels, bitDepth, quality),
            ImageFormat.Bmp => new StreamedFileSink(path, width, height, channels, bitDepth,
                stream => new BmpStreamEncoder(stream, width, height, channels, bitDepth)),
            var f => throw new ArgumentOutOfRangeException(nameof(format), f, "unknown image format"),
        };

    /// <summary>
    /// The host memory a writer from <see cref="CreateWriter"/> holds at most beside the rows handed to it: a PNG's bands
    /// being deflated, a JPEG's strips being compressed, a BMP's chunk of rows being packed.
    /// </summary>
    public static long WriterBytes(ImageFormat format, int width, int height, int channels, int bitDepth) => format switch
    {
        ImageFormat.Png => PngStreamEncoder.WorkingBytes,
        ImageFormat.Jpeg => JpegStreamEncoder.WorkingBytes(width, height, channels, bitDepth),
        ImageFormat.Bmp => BmpStreamEncoder.WorkingBytes(width, channels, bitDepth),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    private static StreamedFileSink CreateJpegWriter(string path, int width, int height, int channels, int bitDepth, int quality)
    {
        JpegCodec.CheckQuality(quality); // before the temporary file exists
        return new StreamedFileSink(path, width, height, channels, bitDepth,
            stream => new JpegStreamEncoder(stream, path, width, height, channels, bitDepth, quality));
    }

    private static void WriteAtomically(string path, byte[] bytes)
    {
        using var file = new AtomicFile(path);
        file.Stream.Write(bytes);
        file.Commit();
    }
}
