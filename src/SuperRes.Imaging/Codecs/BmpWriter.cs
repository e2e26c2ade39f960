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
    /// Interleaved 8-bit samples of consecutive rows of the image as the file stores them: the last of those rows first,
    /// <see cref="Stride"/> bytes each (gray as is, colour as BGR, alpha last), into <paramref name="destination"/>
    /// (zeroed: the padding is left as it is).
    /// </summary>
    public void WriteRows(ReadOnlySpan<byte> samples, Span<byte> destination)
    {
        int w = Width, rowSamples = w * Channels, h = samples.Length / rowSamples;
        for (int y = 0; y < h; y++)
        {
            var s = samples.Slice(y * rowSamples, rowSamples);
            var row = destination.Slice((h - 1 - y) * Stride, Stride);
            switch (Channels)
            {
                case 1:
                    s.CopyTo(row);
                    break;
                case 2:
                    for (int x = 0; x < w; x++) { row[4 * x] = row[4 * x + 1] = row[4 * x + 2] = s[2 * x]; row[4 * x + 3] = s[2 * x + 1]; }
                    break;
                case 3:
                    for (int x = 0; x < w; x++) { row[3 * x] = s[3 * x + 2]; row[3 * x + 1] = s[3 * x + 1]; row[3 * x + 2] = s[3 * x]; }
                    break;
                default:
                    for (int x = 0; x < w; x++) { row[4 * x] = s[4 * x + 2]; row[4 * x + 1] = s[4 * x + 1]; row[4 * x + 2] = s[4 * x]; row[4 * x + 3] = s[4 * x + 3]; }
                    break;
            }
        }
    }

    /// <summary>An image's levels (any bit depth; 16 bits scaled to 8) rounded to interleaved 8-bit samples, as <see cref="Image.Quantized"/> rounds.</summary>
    public static byte[] EightBitSamples(Image src)
    {
        Image img = src.BitDepth == 8 ? src : src.ToBitDepth(8);
        int n = img.PlaneSize, channels = img.Channels;
        var samples = new byte[(long)n * channels];
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < n; i++)
                samples[i * channels + c] = (byte)Image.QuantizeSample(img.Data[c * n + i], 255f);
        return samples;
    }

    /// <summary>
    /// <see cref="PixelImage"/> rows (8 or 16-bit big-endian) as interleaved 8-bit samples: 8-bit as they are, 16-bit
    /// scaled as <see cref="Image.ToBitDepth"/> scales (× 255f/65535f in float) and rounded as <see cref="EightBitSamples(Image)"/>.
    /// </summary>
    public static ReadOnlySpan<byte> EightBitSamples(ReadOnlySpan<byte> rows, int bitDepth)
    {
        if (bitDepth == 8)
            return rows;
        const float scale = 255f / 65535f;
        var samples = new byte[rows.Length / 2];
        for (int i = 0; i < samples.Length; i++)
            samples[i] = (byte)Image.QuantizeSample((rows[2 * i] << 8 | rows[2 * i + 1]) * scale, 255f);
        return samples;
    }
}

/// <summary>
/// A BMP written as rows arrive: the file is bottom-up, so rows are packed in file order (straight from the samples), at most
/// <see cref="ChunkSampleBytes"/> of samples at a time, and each chunk is written at its own place (the stream seeks);
/// the bytes are <see cref="BmpCodec.Encode"/>'s.
/// </summary>
internal sealed class BmpStreamEncoder : IRowEncoder
{
    // Rows are packed a bounded chunk at a time.
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

    /// <summary>What the encoder holds at most: a chunk of rows scaled to 8 bits (16-bit rows) and packed as the file stores them.</summary>
    public static long WorkingBytes(int width, int channels, int bitDepth)
    {
        long rowBytes = (long)width * channels * bitDepth / 8;
        long rows = Math.Max(1, ChunkSampleBytes / rowBytes);
        return rows * ((bitDepth == 8 ? 0 : (long)width * channels) + new BmpLayout(width, 1, channels).Stride);
    }

    public void WriteRows(ReadOnlySpan<byte> rows)
    {
        if (rows.Length % _rowBytes != 0 || _nextRow + rows.Length / _rowBytes > _layout.Height)
            throw new ArgumentException($"{rows.Length} bytes are not whole rows of {_rowBytes} bytes within the image's {_layout.Height} rows", nameof(rows));
        while (rows.Length > 0)
        {
            int count = Math.Min(_rowsPerChunk, rows.Length / _rowBytes);
            var packed = new byte[count * _layout.Stride];
            _layout.WriteRows(BmpLayout.EightBitSamples(rows[..(count * _rowBytes)], _bitDepth), packed);
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
