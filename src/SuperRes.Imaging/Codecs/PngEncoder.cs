using System.Buffers.Binary;
using System.IO.Compression;

namespace SuperRes.Imaging.Codecs;

/// <summary>
/// Managed PNG writer: gray, gray+alpha, RGB, RGBA at 8 or 16 bits (the image's BitDepth), not
/// interlaced. Samples are rounded half away from zero and clipped. Each row gets the filter with
/// the smallest sum of |signed bytes| (libpng's default heuristic); zlib level "Optimal" (= 6).
/// </summary>
internal static class PngEncoder
{
    public static byte[] Encode(Image img)
    {
        int colorType = img.Channels switch { 1 => 0, 2 => 4, 3 => 2, _ => 6 };
        int depth = img.BitDepth;
        int bpp = img.Channels * depth / 8;
        int rowBytes = img.Width * bpp;
        float max = img.MaxValue;

        var output = new MemoryStream();
        output.Write(PngDecoder.Signature);
        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)img.Width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr[4..], (uint)img.Height);
        ihdr[8] = (byte)depth; ihdr[9] = (byte)colorType; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
        WriteChunk(output, "IHDR", ihdr);

        var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            var prev = new byte[rowBytes];
            var cur = new byte[rowBytes];
            var best = new byte[rowBytes + 1];
            var trial = new byte[rowBytes + 1];
            int plane = img.PlaneSize;
            for (int y = 0; y < img.Height; y++)
            {
                // Interleave + quantize one row.
                for (int x = 0; x < img.Width; x++)
                    for (int c = 0; c < img.Channels; c++)
                    {
                        int v = (int)Image.QuantizeSample(img.Data[c * plane + y * img.Width + x], max);
                        int o = x * bpp + c * (depth / 8);
                        if (depth == 16) { cur[o] = (byte)(v >> 8); cur[o + 1] = (byte)v; }
                        else cur[o] = (byte)v;
                    }
                long bestScore = long.MaxValue;
                for (int f = 0; f < 5; f++)
                {
                    long score = Filter(f, cur, prev, trial, bpp);
                    if (score < bestScore) { bestScore = score; (best, trial) = (trial, best); }
                }
                z.Write(best, 0, rowBytes + 1);
                (prev, cur) = (cur, prev);
            }
        }
        // Split IDAT into 1 MiB chunks: keeps every chunk small for streaming readers.
        var data = compressed.GetBuffer().AsSpan(0, (int)compressed.Length);
        const int chunk = 1 << 20;
        for (int i = 0; i < data.Length || i == 0; i += chunk)
            WriteChunk(output, "IDAT", data.Slice(i, Math.Min(chunk, data.Length - i)));
        WriteChunk(output, "IEND", ReadOnlySpan<byte>.Empty);
        return output.ToArray();
    }

    /// <summary>Writes filter byte + filtered row into dst and returns the heuristic cost.</summary>
    private static long Filter(int f, byte[] cur, byte[] prev, byte[] dst, int bpp)
    {
        dst[0] = (byte)f;
        var d = dst.AsSpan(1);
        int n = cur.Length;
        switch (f)
        {
            case 0: cur.CopyTo(d); break;
            case 1:
                for (int i = 0; i < n; i++) d[i] = (byte)(cur[i] - (i >= bpp ? cur[i - bpp] : 0));
                break;
            case 2:
                for (int i = 0; i < n; i++) d[i] = (byte)(cur[i] - prev[i]);
                break;
            case 3:
                for (int i = 0; i < n; i++) d[i] = (byte)(cur[i] - (((i >= bpp ? cur[i - bpp] : 0) + prev[i]) >> 1));
                break;
            default:
                for (int i = 0; i < bpp && i < n; i++) d[i] = (byte)(cur[i] - prev[i]); // Paeth(0, b, 0) = b
                for (int i = bpp; i < n; i++) d[i] = (byte)(cur[i] - PngDecoder.Paeth(cur[i - bpp], prev[i], prev[i - bpp]));
                break;
        }
        long score = 0;
        foreach (byte v in d) score += Math.Abs((int)(sbyte)v); // int: |-128| overflows sbyte
        return score;
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
