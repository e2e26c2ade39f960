using System.Buffers.Binary;
using System.IO.Compression;

namespace SuperRes.Imaging.Codecs;

/// <summary>PNG row filters; <see cref="Adaptive"/> tries the five on every row and keeps the smallest (libpng's heuristic).</summary>
internal enum PngFilter { None = 0, Sub = 1, Up = 2, Average = 3, Paeth = 4, Adaptive = 5 }

/// <summary>
/// Managed PNG writer: gray, gray+alpha, RGB, RGBA at 8 or 16 bits (the image's BitDepth), not interlaced. Samples are
/// rounded half away from zero and clipped. The rows are cut into bands that are filtered and deflated in parallel and
/// joined into one zlib stream (each band ends on a sync flush, as pigz does), so encoding uses every core. The default
/// filter and zlib level were chosen by measurement on a 3600×2000 photo (docs/performance.md, `SuperRes.Benchmarks png`):
/// the Average filter (vectorised) at level 3 is 2–3× faster than libpng's adaptive choice at level 6 for a file 2 %
/// larger; level 1 is faster still but 50 % larger, level 9 several times slower for nothing.
/// </summary>
internal static class PngEncoder
{
    public const int DefaultLevel = 3;
    public const PngFilter DefaultFilter = PngFilter.Average;

    // Bands below this many raw bytes are not worth a deflate stream of their own.
    private const int MinimumBandBytes = 1 << 20;

    public static byte[] Encode(Image img, int level = DefaultLevel, PngFilter filter = DefaultFilter) =>
        Encode(new RowSource(img.Width, img.Height, img.Channels, img.BitDepth, (y, row) => PngRows.Interleave(img, y, row)), level, filter);

    /// <summary>Encodes samples already interleaved as PNG rows: each row is copied, not converted.</summary>
    public static byte[] Encode(PixelImage img, int level = DefaultLevel, PngFilter filter = DefaultFilter) =>
        Encode(new RowSource(img.Width, img.Height, img.Channels, img.BitDepth, (y, row) => img.Row(y).CopyTo(row)), level, filter);

    /// <summary>An image's size and a way to write its row y as interleaved big-endian samples.</summary>
    private sealed record RowSource(int Width, int Height, int Channels, int BitDepth, RowWriter Interleave);

    private delegate void RowWriter(int y, Span<byte> row);

    private static byte[] Encode(RowSource img, int level, PngFilter filter)
    {
        if (level is < 0 or > 9) throw new ArgumentOutOfRangeException(nameof(level), $"PNG compression level must be 0..9, got {level}");
        int colorType = img.Channels switch { 1 => 0, 2 => 4, 3 => 2, _ => 6 };
        int bpp = img.Channels * img.BitDepth / 8;
        long rowBytes = (long)img.Width * bpp;

        var output = new MemoryStream();
        output.Write(PngDecoder.Signature);
        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)img.Width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr[4..], (uint)img.Height);
        ihdr[8] = (byte)img.BitDepth; ihdr[9] = (byte)colorType; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
        WriteChunk(output, "IHDR", ihdr);

        int rowsPerBand = (int)Math.Clamp(MinimumBandBytes / (rowBytes + 1), 1, img.Height);
        int bands = (img.Height + rowsPerBand - 1) / rowsPerBand;
        var deflated = new byte[bands][];
        var checksums = new uint[bands];
        Parallel.For(0, bands, band =>
        {
            int first = band * rowsPerBand, count = Math.Min(rowsPerBand, img.Height - first);
            (deflated[band], checksums[band]) = DeflateBand(img, first, count, level, filter, lastBand: band == bands - 1);
        });

        // One zlib stream: header, the bands' deflate data, the Adler-32 of all filtered rows.
        var zlib = new MemoryStream();
        zlib.WriteByte(0x78);
        zlib.WriteByte(level switch { <= 1 => 0x01, <= 5 => 0x5E, 6 => 0x9C, _ => 0xDA });
        uint adler = 1;
        for (int band = 0; band < bands; band++)
        {
            zlib.Write(deflated[band]);
            int count = Math.Min(rowsPerBand, img.Height - band * rowsPerBand);
            adler = Adler32.Combine(adler, checksums[band], count * (rowBytes + 1));
        }
        Span<byte> trailer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(trailer, adler);
        zlib.Write(trailer);

        // Split IDAT into 1 MiB chunks: keeps every chunk small for streaming readers.
        var data = zlib.GetBuffer().AsSpan(0, (int)zlib.Length);
        const int chunk = 1 << 20;
        for (int i = 0; i < data.Length || i == 0; i += chunk)
            WriteChunk(output, "IDAT", data.Slice(i, Math.Min(chunk, data.Length - i)));
        WriteChunk(output, "IEND", ReadOnlySpan<byte>.Empty);
        return output.ToArray();
    }

    /// <summary>Raw deflate of rows [first, first + count), ending on a sync flush (or the final block), and their Adler-32.</summary>
    private static (byte[] Deflated, uint Adler) DeflateBand(RowSource img, int first, int count, int level, PngFilter filter, bool lastBand)
    {
        int bpp = img.Channels * img.BitDepth / 8;
        int rowBytes = img.Width * bpp;
        var prev = new byte[rowBytes];
        var cur = new byte[rowBytes];
        var best = new byte[rowBytes + 1];
        var trial = new byte[rowBytes + 1];
        if (first > 0)
            img.Interleave(first - 1, prev);
        uint adler = 1;
        var compressed = new MemoryStream();
        long end;
        var options = new ZLibCompressionOptions { CompressionLevel = level, CompressionStrategy = ZLibCompressionStrategy.Default };
        using (var deflate = new DeflateStream(compressed, options, leaveOpen: true))
        {
            for (int y = first; y < first + count; y++)
            {
                img.Interleave(y, cur);
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
                (prev, cur) = (cur, prev);
            }
            // A sync flush ends the band on a byte boundary with the stream still open, so the next band's blocks can follow.
            deflate.Flush();
            end = compressed.Length;
        }
        return (lastBand ? compressed.ToArray() : compressed.GetBuffer().AsSpan(0, (int)end).ToArray(), adler);
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
