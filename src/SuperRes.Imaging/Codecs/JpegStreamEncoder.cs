using System.Buffers.Binary;

namespace SuperRes.Imaging.Codecs;

/// <summary>
/// The JPEG encoder as rows arrive: rows are gathered into strips a whole number of MCU rows high (of about
/// <see cref="DefaultStripSampleBytes"/> of 8-bit samples), each full strip is compressed by TurboJPEG on the thread
/// pool while the next rows come in, and the strips are joined in order into one baseline JPEG: the first strip's
/// headers with the full height, a restart interval of one strip's MCUs (DRI), one scan whose entropy-coded data is the
/// strips' in turn with RST0…RST7 between them, EOI. A restart resets the DC predictions to 0 as a separately encoded
/// strip starts them, and every strip ends padded with 1-bits as before a marker, so the file decodes to the pixels of
/// the whole-image encode (<see cref="JpegCodec.Encode(PixelImage, int)"/>): the quantised DCT blocks are the same, as
/// every strip but the last is whole MCU rows and the last is padded at the bottom as the whole image is. An image of
/// one strip is written as TurboJPEG writes it. At most <see cref="InFlight"/> strips are compressed at a time.
/// </summary>
internal sealed class JpegStreamEncoder : IRowEncoder
{
    /// <summary>8-bit samples a strip holds at most (at least one MCU row): TurboJPEG's call overhead is small next to it.</summary>
    public const int DefaultStripSampleBytes = 1 << 20;

    private const int MaxSide = 65535, MaxRestartInterval = 65535;

    private static readonly int InFlight = Math.Max(2, Environment.ProcessorCount);

    private readonly Stream _output;
    private readonly string _name;
    private readonly int _width, _height, _channels, _bitDepth, _quality, _rowBytes, _rowsPerStrip, _strips;
    private readonly bool _gray;
    private readonly Queue<Task<JpegStrip>> _compressing = new();
    private byte[] _strip;
    private byte[]? _firstHeaders;
    private int _rowsInStrip, _nextRow, _stripsWritten;

    /// <summary>Refuses, naming the file, a size a JPEG cannot have (the frame header holds each side in 16 bits).</summary>
    public static void CheckSize(string name, int width, int height)
    {
        if (width is < 1 or > MaxSide || height is < 1 or > MaxSide)
            throw new ImageWriteException(name, $"a JPEG is at most {MaxSide} pixels a side, not {width}x{height} (write PNG instead)");
    }

    /// <param name="name">The file, for error messages.</param>
    public JpegStreamEncoder(Stream output, string name, int width, int height, int channels, int bitDepth, int quality,
                             int stripSampleBytes = DefaultStripSampleBytes)
    {
        JpegCodec.CheckQuality(quality);
        CheckSize(name, width, height);
        _name = name;
        (_output, _width, _height, _channels, _bitDepth, _quality) = (output, width, height, channels, bitDepth, quality);
        _gray = JpegCodec.IsGray(channels);
        _rowBytes = checked(width * channels * bitDepth / 8);
        _rowsPerStrip = RowsPerStrip(width, height, _gray, quality, stripSampleBytes);
        _strips = (height + _rowsPerStrip - 1) / _rowsPerStrip;
        _strip = new byte[_rowsPerStrip * _rowBytes];
    }

    /// <summary>
    /// Whole MCU rows, as many as fit <paramref name="stripSampleBytes"/> (at least one), as long as a strip's MCUs
    /// (the restart interval) stay within DRI's 16 bits; the whole image when it is shorter.
    /// </summary>
    internal static int RowsPerStrip(int width, int height, bool gray, int quality, int stripSampleBytes)
    {
        int mcu = JpegCodec.McuSize(gray, quality);
        long mcuRowBytes = (long)width * (gray ? 1 : 3) * mcu;
        int mcusPerRow = (width + mcu - 1) / mcu;
        long mcuRows = Math.Clamp(stripSampleBytes / mcuRowBytes, 1, MaxRestartInterval / mcusPerRow);
        return (int)Math.Min(mcuRows * mcu, height);
    }

    /// <summary>
    /// What the encoder holds at most for an image of this width: the strips in flight, the one being filled and the
    /// one being handed over, each with its rows, their 8-bit samples (through float planes, twice for 16 bits or
    /// alpha, as the whole-image encoder converts them), TurboJPEG's output buffer and its copy. A strip is counted at
    /// the larger MCU (16 rows), whatever the quality picks.
    /// </summary>
    public static long WorkingBytes(int width, int height, int channels, int bitDepth)
    {
        long samples = (long)width * (JpegCodec.IsGray(channels) ? 1 : 3);
        long rows = Math.Min(height, Math.Max(16, DefaultStripSampleBytes / samples / 16 * 16));
        long converted = bitDepth == 8 && channels is 1 or 3 ? 0 : 8L * width * channels;
        long perRow = (long)width * channels * bitDepth / 8 + converted + 3 * samples;
        return (InFlight + 2) * rows * perRow;
    }

    /// <summary>Whole interleaved rows at the sink's bit depth (<see cref="PixelImage"/>'s layout), the next ones of the image.</summary>
    public void WriteRows(ReadOnlySpan<byte> rows)
    {
        if (rows.Length % _rowBytes != 0)
            throw new ArgumentException($"{rows.Length} bytes are not whole rows of {_rowBytes} bytes", nameof(rows));
        if (_nextRow + rows.Length / _rowBytes > _height)
            throw new InvalidOperationException($"more than the image's {_height} rows were written");
        while (rows.Length > 0)
        {
            int take = Math.Min(rows.Length / _rowBytes, _rowsPerStrip - _rowsInStrip);
            rows[..(take * _rowBytes)].CopyTo(_strip.AsSpan(_rowsInStrip * _rowBytes));
            rows = rows[(take * _rowBytes)..];
            _rowsInStrip += take;
            _nextRow += take;
            if (_rowsInStrip == _rowsPerStrip || _nextRow == _height)
                StartStrip();
        }
    }

    /// <summary>Writes the strips still being compressed and EOI, once every row is in.</summary>
    public void Complete()
    {
        if (_nextRow != _height)
            throw new InvalidOperationException($"the JPEG has {_nextRow} of its {_height} rows");
        while (_compressing.Count > 0)
            WriteOldest();
        _output.Write([0xFF, 0xD9]);
    }

    private void StartStrip()
    {
        var (rows, count) = (_strip, _rowsInStrip);
        var (width, channels, bitDepth, quality) = (_width, _channels, _bitDepth, _quality);
        _compressing.Enqueue(Task.Run(() =>
        {
            var (samples, gray) = JpegCodec.EightBitSamples(rows, width, count, channels, bitDepth);
            return new JpegStrip(JpegCodec.Compress(samples, width, count, gray, quality));
        }));
        _strip = _nextRow < _height ? new byte[_rowsPerStrip * _rowBytes] : [];
        _rowsInStrip = 0;
        while (_compressing.Count > InFlight)
            WriteOldest();
    }

    // Waits for the oldest strip (its error, if any, is thrown here) and writes it: the headers with the first, then its data.
    private void WriteOldest()
    {
        JpegStrip strip;
        try
        {
            strip = _compressing.Dequeue().GetAwaiter().GetResult();
        }
        catch (InvalidOperationException e) // TurboJPEG's error, or a strip the join cannot carry
        {
            throw new ImageWriteException(_name, e.Message, e);
        }
        strip.Height = _height;
        int index = _stripsWritten++;
        if (index == 0)
        {
            _firstHeaders = [.. strip.Headers, .. strip.ScanHeader];
            _output.Write(strip.Headers);
            if (_strips > 1)
                WriteRestartInterval();
            _output.Write(strip.ScanHeader);
        }
        else
        {
            if (!_firstHeaders.AsSpan().SequenceEqual([.. strip.Headers, .. strip.ScanHeader]))
                throw new ImageWriteException(_name,
                    $"JPEG strip {index} of {_strips} was encoded with other headers (tables) than the first, so the strips cannot share one scan (is TJ_OPTIMIZE set?)");
            _output.Write([0xFF, (byte)(0xD0 + (index - 1) % 8)]); // RSTn before each strip after the first
        }
        _output.Write(strip.EntropyData);
    }

    // DRI: the restart interval is one full strip's MCUs (the last strip may have fewer; no RST follows it).
    private void WriteRestartInterval()
    {
        int mcu = JpegCodec.McuSize(_gray, _quality);
        int interval = (_width + mcu - 1) / mcu * (_rowsPerStrip / mcu);
        Span<byte> dri = [0xFF, 0xDD, 0x00, 0x04, 0, 0];
        BinaryPrimitives.WriteUInt16BigEndian(dri[4..], checked((ushort)interval));
        _output.Write(dri);
    }
}
