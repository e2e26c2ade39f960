using System.Buffers.Binary;

namespace SuperRes.Imaging.Codecs;

/// <summary>
/// How a BMP of a given size and channels is written (<see cref="BmpCodec"/>'s choices): gray → 8-bit gray palette,
/// RGB → 24-bit, gray+alpha / RGBA → 32-bit BI_BITFIELDS with a BITMAPV4HEADER; rows bottom-up (a positive height,
/// the most widely read form), each padded to 4 bytes.
/// </summary>
internal sealed class BmpLayout
{
    private const int BI_RGB = 0, BI_BITFIELDS = 3;
    private readonly int _bitCount, _headerSize;

    public BmpLayout(int width, int height, int channels)
    {
        (Width, Height, Channels) = (width, height, channels);
        _bitCount = channels == 1 ? 8 : channels == 3 ? 24 : 32;
        _headerSize = _bitCount == 32 ? 108 : 40;
        Stride = (width * _bitCount + 31) / 32 * 4;
        PixelOffset = 14 + _headerSize + (_bitCount == 8 ? 256 * 4 : 0);
        FileBytes = PixelOffset + (long)Stride * height;
        if (FileBytes > int.MaxValue) throw new ArgumentException($"image {width}x{height} is too large for a BMP file");
    }

    public int Width { get; }
    public int Height { get; }
    public int Channels { get; }
    public int Stride { get; }
    public int PixelOffset { get; }
    public long FileBytes { get; }

    /// <summary>Where row <paramref name="y"/> (counted from the top) starts in the file.</summary>
    public long RowOffset(int y) => PixelOffset + (long)(Height - 1 - y) * Stride;

    /// <summary>The file header, the info header and the gray palette: the first <see cref="PixelOffset"/> bytes.</summary>
    public void WriteHeaders(Span<byte> s)
    {
        s[..PixelOffset].Clear();
        s[0] = (byte)'B'; s[1] = (byte)'M';
        BinaryPrimitives.WriteUInt32LittleEndian(s[2..], (uint)FileBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(s[10..], (uint)PixelOffset);
        var hd = s[14..];
        BinaryPrimitives.WriteUInt32LittleEndian(hd, (uint)_headerSize);
        BinaryPrimitives.WriteInt32LittleEndian(hd[4..], Width);
        BinaryPrimitives.WriteInt32LittleEndian(hd[8..], Height); // positive: bottom-up
        BinaryPrimitives.WriteUInt16LittleEndian(hd[12..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(hd[14..], (ushort)_bitCount);
        BinaryPrimitives.WriteUInt32LittleEndian(hd[16..], _bitCount == 32 ? BI_BITFIELDS : (uint)BI_RGB);
        BinaryPrimitives.WriteUInt32LittleEndian(hd[20..], (uint)(FileBytes - PixelOffset));
        BinaryPrimitives.WriteInt32LittleEndian(hd[24..], 2835); // 72 dpi
        BinaryPrimitives.WriteInt32LittleEndian(hd[28..], 2835);
        if (_bitCount == 8) BinaryPrimitives.WriteUInt32LittleEndian(hd[32..], 256);
        if (_bitCount == 32)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(hd[40..], 0x00FF0000);
            BinaryPrimitives.WriteUInt32LittleEndian(hd[44..], 0x0000FF00);
            BinaryPrimitives.WriteUInt32LittleEndian(hd[48..], 0x000000FF);
            BinaryPrimitives.WriteUInt32LittleEndian(hd[52..], 0xFF000000);
            BinaryPrimitives.WriteUInt32LittleEndian(hd[56..], 0x73524742); // LCS_sRGB
        }
        if (_bitCount == 8)
            for (int i = 0; i < 256; i++) { s[14 + _headerSize + 4 * i] = s[15 + _headerSize + 4 * i] = s[16 + _headerSize + 4 * i] = (byte)i; }
    }

    /// <summary>
    /// The rows of <paramref name="rows"/> (consecutive rows of the image, any bit depth: 16 bits are scaled to 8) as
    /// the file stores them: the last of them first, <see cref="Stride"/> bytes each, into <paramref name="destination"/>.
    /// </summary>
    public void WriteRows(Image rows, Span<byte> destination)
    {
        Image img = rows.BitDepth == 8 ? rows : rows.ToBitDepth(8);
        int w = img.Width, h = img.Height, plane = img.PlaneSize;
        float[] d = img.Data;
        byte Q(int c, int i) => (byte)Image.QuantizeSample(d[c * plane + i], 255f);
        for (int y = 0; y < h; y++)
        {
            var row = destination.Slice((h - 1 - y) * Stride, Stride);
            for (int x = 0; x < w; x++)
            {
                int i = y * w + x;
                switch (img.Channels)
                {
                    case 1: row[x] = Q(0, i); break;
                    case 2: row[4 * x] = row[4 * x + 1] = row[4 * x + 2] = Q(0, i); row[4 * x + 3] = Q(1, i); break;
                    case 3: row[3 * x] = Q(2, i); row[3 * x + 1] = Q(1, i); row[3 * x + 2] = Q(0, i); break;
                    default: row[4 * x] = Q(2, i); row[4 * x + 1] = Q(1, i); row[4 * x + 2] = Q(0, i); row[4 * x + 3] = Q(3, i); break;
                }
            }
        }
    }
}

/// <summary>
/// A BMP written as rows arrive: the file is bottom-up, so rows are packed in file order, at most
/// <see cref="ChunkSampleBytes"/> of samples at a time, and each chunk is written at its own place (the stream seeks);
/// the bytes are <see cref="BmpCodec.Encode"/>'s.
/// </summary>
internal sealed class BmpStreamEncoder : IRowEncoder
{
    // Rows are converted through float planes (as the whole-image encoder converts them): a bounded chunk at a time.
    private const int ChunkSampleBytes = 1 << 20;

    private readonly Stream _output;
    private readonly BmpLayout _layout;
    private readonly int _bitDepth, _rowBytes, _rowsPerChunk;
    private int _nextRow;

    public BmpStreamEncoder(Stream output, int width, int height, int channels, int bitDepth)
    {
        if (!output.CanSeek) throw new ArgumentException("a BMP is written bottom-up: its stream must seek", nameof(output));
        (_output, _bitDepth) = (output, bitDepth);
        _layout = new BmpLayout(width, height, channels);
        _rowBytes = checked(width * channels * bitDepth / 8);
        _rowsPerChunk = Math.Max(1, ChunkSampleBytes / _rowBytes);
        var headers = new byte[_layout.PixelOffset];
        _layout.WriteHeaders(headers);
        output.Write(headers);
        output.SetLength(_layout.FileBytes);
    }

    /// <summary>
    /// What the encoder holds at most: a chunk of rows, its float planes (twice for 16 bits, scaled to 8) and its packed
    /// file rows.
    /// </summary>
    public static long WorkingBytes(int width, int channels, int bitDepth)
    {
        long rowBytes = (long)width * channels * bitDepth / 8;
        long rows = Math.Max(1, ChunkSampleBytes / rowBytes);
        return rows * (rowBytes + (bitDepth == 8 ? 4L : 8L) * width * channels + new BmpLayout(width, 1, channels).Stride);
    }

    public void WriteRows(ReadOnlySpan<byte> rows)
    {
        if (rows.Length % _rowBytes != 0 || _nextRow + rows.Length / _rowBytes > _layout.Height)
            throw new ArgumentException($"{rows.Length} bytes are not whole rows of {_rowBytes} bytes within the image's {_layout.Height} rows", nameof(rows));
        while (rows.Length > 0)
        {
            int count = Math.Min(_rowsPerChunk, rows.Length / _rowBytes);
            var samples = new PixelImage(_layout.Width, count, _layout.Channels, _bitDepth, rows[..(count * _rowBytes)].ToArray());
            var packed = new byte[count * _layout.Stride];
            _layout.WriteRows(samples.ToImage(), packed);
            _output.Position = _layout.RowOffset(_nextRow + count - 1);
            _output.Write(packed);
            _nextRow += count;
            rows = rows[(count * _rowBytes)..];
        }
    }

    public void Complete()
    {
        if (_nextRow != _layout.Height)
            throw new InvalidOperationException($"the BMP has {_nextRow} of its {_layout.Height} rows");
    }
}
