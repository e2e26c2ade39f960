using System.Buffers.Binary;

namespace SuperRes.Imaging;

/// <summary>
/// What a file's header says about its image, read without decoding any pixels: enough to decide whether an image
/// can be afforded before the decoder allocates it. <see cref="Channels"/> and <see cref="BitDepth"/> are those of
/// the decoded <see cref="Image"/> (a palette counts as RGBA, the most it can decode to).
/// </summary>
public sealed record ImageHeader(ImageFormat Format, int Width, int Height, int Channels, int BitDepth)
{
    public long Pixels => (long)Width * Height;

    /// <summary>Reads the header of a PNG, JPEG or BMP file (a few hundred bytes; JPEG skips segments to its frame header).</summary>
    /// <exception cref="ImageFormatException">Not an image of ours, or a header that cannot be read (the message starts with the path).</exception>
    public static ImageHeader Read(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> head = stackalloc byte[32];
        int n = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        head = head[..n];
        var format = ImageCodec.Sniff(head) ?? throw new ImageFormatException(path,
            n == 0 ? "empty file" : $"not a PNG, JPEG or BMP file (starts with {Convert.ToHexString(head[..Math.Min(8, n)])})");
        var header = format switch
        {
            ImageFormat.Png => Png(head, path),
            ImageFormat.Bmp => Bmp(head, path),
            _ => Jpeg(file, path),
        };
        ImageLimits.Check(path, header.Width, header.Height);
        return header;
    }

    private static ImageHeader Png(ReadOnlySpan<byte> head, string path)
    {
        // Signature (8), IHDR length (4), "IHDR", width, height, bit depth, colour type.
        if (head.Length < 26 || !head[12..16].SequenceEqual("IHDR"u8))
            throw new ImageFormatException(path, "PNG truncated or corrupt: no IHDR chunk first");
        uint width = BinaryPrimitives.ReadUInt32BigEndian(head[16..]), height = BinaryPrimitives.ReadUInt32BigEndian(head[20..]);
        if (width > int.MaxValue || height > int.MaxValue)
            throw new ImageFormatException(path, $"PNG corrupt: size {width}x{height} out of range");
        int channels = head[25] switch { 0 => 1, 4 => 2, 2 => 3, _ => 4 };
        return new ImageHeader(ImageFormat.Png, (int)width, (int)height, channels, head[24] == 16 ? 16 : 8);
    }

    private static ImageHeader Bmp(ReadOnlySpan<byte> head, string path)
    {
        if (head.Length < 26)
            throw new ImageFormatException(path, "BMP truncated: no size in the header");
        int headerSize = BinaryPrimitives.ReadInt32LittleEndian(head[14..]);
        long width, height;
        if (headerSize == 12)
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(head[18..]);
            height = BinaryPrimitives.ReadInt16LittleEndian(head[20..]);
        }
        else
        {
            width = BinaryPrimitives.ReadInt32LittleEndian(head[18..]);
            height = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(head[22..]));
        }
        if (width > int.MaxValue || height > int.MaxValue)
            throw new ImageFormatException(path, $"BMP corrupt: size {width}x{height} out of range");
        // 32-bit BMPs may carry alpha: count it, the decoder decides.
        return new ImageHeader(ImageFormat.Bmp, (int)width, (int)height, 4, 8);
    }

    /// <summary>Walks the marker segments to the first SOFn (frame header): precision, height, width, components.</summary>
    private static ImageHeader Jpeg(FileStream file, string path)
    {
        file.Position = 2;
        Span<byte> marker = stackalloc byte[4];
        Span<byte> frame = stackalloc byte[6];
        while (true)
        {
            if (file.ReadAtLeast(marker, 4, throwOnEndOfStream: false) < 4 || marker[0] != 0xFF)
                throw new ImageFormatException(path, "JPEG truncated or corrupt: no frame header");
            byte type = marker[1];
            int length = BinaryPrimitives.ReadUInt16BigEndian(marker[2..]);
            bool isFrame = type is >= 0xC0 and <= 0xCF && type is not (0xC4 or 0xC8 or 0xCC);
            if (isFrame)
            {
                if (length < 8 || file.ReadAtLeast(frame, 6, throwOnEndOfStream: false) < 6)
                    throw new ImageFormatException(path, "JPEG truncated: short frame header");
                int height = BinaryPrimitives.ReadUInt16BigEndian(frame[1..]), width = BinaryPrimitives.ReadUInt16BigEndian(frame[3..]);
                // Gray stays gray; YCbCr and CMYK/YCCK decode to RGB.
                return new ImageHeader(ImageFormat.Jpeg, width, height, frame[5] == 1 ? 1 : 3, 8);
            }
            if (length < 2)
                throw new ImageFormatException(path, $"JPEG corrupt: segment 0xFF{type:X2} of length {length}");
            file.Position += length - 2;
        }
    }
}
