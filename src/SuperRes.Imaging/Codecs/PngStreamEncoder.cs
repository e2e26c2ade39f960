using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace SuperRes.Imaging.Codecs;

/// <summary>
/// The PNG encoder as rows arrive: rows are gathered into bands of about <see cref="MinimumBandBytes"/>, and each full
/// band is filtered and deflated on the thread pool while the next rows come in (each band ends on a sync flush, as
/// pigz does, so the bands join into one zlib stream). Finished bands are written to the output in order, at most
/// <see cref="InFlight"/> being deflated at a time (the caller waits beyond that). The bytes depend only on the image
/// and the settings, not on how its rows were handed over or on the number of cores.
/// </summary>
internal sealed class PngStreamEncoder : IRowEncoder
{
    // Bands below this many raw bytes are not worth a deflate stream of their own.
    private const int MinimumBandBytes = 1 << 20;

    // IDAT chunks of 1 MiB keep every chunk small for streaming readers.
    private const int IdatBytes = 1 << 20;

    private static readonly int InFlight = Math.Max(2, Environment.ProcessorCount);

    private readonly Stream _output;
    private readonly int _level, _bpp, _rowBytes, _rowsPerBand;
    private readonly PngFilter _filter;
    private readonly Queue<(Task<(byte[] Deflated, int Length, uint Adler)> Task, byte[] Rows, int Count)> _deflating = new();
    private readonly Stack<byte[]> _spareBands = new();
    private readonly byte[] _idat = new byte[IdatBytes];
    private byte[] _band;
    private int _idatFill, _rowsInBand, _nextRow, _idatChunks;
    private uint _adler = 1;

    public PngStreamEncoder(Stream output, int width, int height, int channels, int bitDepth, int level, PngFilter filter)
    {
        if (level is < 0 or > 9) throw new ArgumentOutOfRangeException(nameof(level), $"PNG compression level must be 0..9, got {level}");
        (_output, Width, Height, _level, _filter) = (output, width, height, level, filter);
        _bpp = channels * bitDepth / 8;
        _rowBytes = checked(width * _bpp);
        _rowsPerBand = (int)Math.Clamp(MinimumBandBytes / (_rowBytes + 1L), 1, height);
        _band = NewBand();

        output.Write(PngDecoder.Signature);
        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr[4..], (uint)height);
        ihdr[8] = (byte)bitDepth;
        ihdr[9] = (byte)(channels switch { 1 => 0, 2 => 4, 3 => 2, _ => 6 });
        WriteChunk(output, "IHDR", ihdr);
        AppendZlib([0x78, (byte)(level switch { <= 1 => 0x01, <= 5 => 0x5E, 6 => 0x9C, _ => 0xDA })]);
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>What the encoder holds: its bands being deflated (one per core, at least two) and their output, 1 MiB each, and the IDAT chunk.</summary>
    public static long WorkingBytes => (2L * InFlight + 3) << 20;

    /// <summary>Whole interleaved rows (big-endian samples), the next ones of the image.</summary>
    public void WriteRows(ReadOnlySpan<byte> rows)
    {
        if (rows.Length % _rowBytes != 0)
            throw new ArgumentException($"{rows.Length} bytes are not whole rows of {_rowBytes} bytes", nameof(rows));
        if (_nextRow + rows.Length / _rowBytes > Height)
            throw new InvalidOperationException($"more than the image's {Height} rows were written");
        for (int r = 0; r < rows.Length; r += _rowBytes)
        {
            // Slot 0 of a band holds the row before its first (the filters read it); rows follow from slot 1.
            rows.Slice(r, _rowBytes).CopyTo(_band.AsSpan((1 + _rowsInBand) * _rowBytes));
            _rowsInBand++;
            _nextRow++;
            if (_rowsInBand == _rowsPerBand || _nextRow == Height)
                StartBand();
        }
    }

    /// <summary>Writes what is left once every row is in: the last bands, the checksum, IEND.</summary>
    public void Complete()
    {
        if (_nextRow != Height)
            throw new InvalidOperationException($"the PNG has {_nextRow} of its {Height} rows");
        while (_deflating.Count > 0)
            FinishOldest();
        Span<byte> trailer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(trailer, _adler);
        AppendZlib(trailer);
        if (_idatFill > 0 || _idatChunks == 0)
            WriteChunk(_output, "IDAT", _idat.AsSpan(0, _idatFill));
        WriteChunk(_output, "IEND", ReadOnlySpan<byte>.Empty);
    }

    private byte[] NewBand() => _spareBands.TryPop(out var band) ? band : new byte[(_rowsPerBand + 1) * _rowBytes];

    private void StartBand()
    {
        var rows = _band;
        int count = _rowsInBand;
        bool first = _nextRow == count, last = _nextRow == Height;
        var (rowBytes, bpp, level, filter) = (_rowBytes, _bpp, _level, _filter);
        _deflating.Enqueue((Task.Run(() => DeflateBand(rows, count, first, last, rowBytes, bpp, level, filter)), rows, count));
        _band = NewBand();
        rows.AsSpan(count * _rowBytes, _rowBytes).CopyTo(_band);
        _rowsInBand = 0;
        while (_deflating.Count > InFlight)
            FinishOldest();
    }

    // Waits for the oldest band (its error, if any, is thrown here) and appends it to the zlib stream.
    private void FinishOldest()
    {
        var (task, rows, count) = _deflating.Dequeue();
        var (deflated, length, adler) = task.GetAwaiter().GetResult();
        AppendZlib(deflated.AsSpan(0, length));
        ArrayPool<byte>.Shared.Return(deflated);
        _adler = Adler32.Combine(_adler, adler, count * (_rowBytes + 1L));
        _spareBands.Push(rows);
    }

    /// <summary>
    /// Raw deflate of a band's rows (slots 1…count), ending on a sync flush (or the final block), and their Adler-32:
    /// in a rented buffer (returned once appended) sized beyond zlib's worst case, so it never grows or is copied.
    /// </summary>
    private static (byte[] Deflated, int Length, uint Adler) DeflateBand(byte[] rows, int count, bool firstBand, bool lastBand, int rowBytes, int bpp, int level, PngFilter filter)
    {
        var zeros = new byte[rowBytes];
        var best = new byte[rowBytes + 1];
        var trial = new byte[rowBytes + 1];
        uint adler = 1;
        long raw = count * (rowBytes + 1L);
        var output = ArrayPool<byte>.Shared.Rent(checked((int)(raw + (raw >> 3) + (raw >> 6) + 1024)));
        var compressed = new MemoryStream(output, 0, output.Length, writable: true, publiclyVisible: true);
        long end;
        var options = new ZLibCompressionOptions { CompressionLevel = level, CompressionStrategy = ZLibCompressionStrategy.Default };
        using (var deflate = new DeflateStream(compressed, options, leaveOpen: true))
        {
            for (int i = 1; i <= count; i++)
            {
                var cur = rows.AsSpan(i * rowBytes, rowBytes);
                var prev = i == 1 && firstBand ? zeros : rows.AsSpan((i - 1) * rowBytes, rowBytes);
                if (filter == PngFilter.Adaptive)
                {
                    long bestScore = long.MaxValue;
                    for (int f = 0; f < 5; f++)
                    {
                        long score = PngRows.Filter((PngFilter)f, cur, prev, trial, bpp);
                        if (score < bestScore) { bestScore = score; (best, trial) = (trial, best); }
                    }
                }
                else
                    PngRows.Filter(filter, cur, prev, best, bpp, score: false);
                deflate.Write(best, 0, rowBytes + 1);
                adler = Adler32.Update(adler, best);
            }
            // A sync flush ends the band on a byte boundary with the stream still open, so the next band's blocks can follow.
            deflate.Flush();
            end = compressed.Position; // the stream's length is its whole buffer: the position is what was written
        }
        return (output, (int)(lastBand ? compressed.Position : end), adler);
    }

    private void AppendZlib(ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            int n = Math.Min(data.Length, IdatBytes - _idatFill);
            data[..n].CopyTo(_idat.AsSpan(_idatFill));
            _idatFill += n;
            data = data[n..];
            if (_idatFill == IdatBytes)
            {
                WriteChunk(_output, "IDAT", _idat);
                _idatFill = 0;
                _idatChunks++;
            }
        }
    }

    private static void WriteChunk(Stream s, string type, ReadOnlySpan<byte> body)
    {
        Span<byte> head = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(head, (uint)body.Length);
        System.Text.Encoding.ASCII.GetBytes(type, head[4..]);
        s.Write(head);
        s.Write(body);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32.Compute(body, Crc32.Compute(head[4..])));
        s.Write(crc);
    }
}
