using System.Numerics;
using System.Runtime.InteropServices;

namespace SuperRes.Imaging.Codecs;

/// <summary>The per-row work of <see cref="PngEncoder"/>: planar floats to interleaved big-endian samples, and the filters.</summary>
internal static class PngRows
{
    /// <summary>Row <paramref name="y"/> of <paramref name="img"/>, rounded and clipped like <see cref="Image.Quantized"/>, interleaved into <paramref name="row"/>.</summary>
    public static void Interleave(Image img, int y, Span<byte> row)
    {
        int width = img.Width, channels = img.Channels;
        Span<ushort> levels = width <= 4096 ? stackalloc ushort[width] : new ushort[width];
        for (int c = 0; c < channels; c++)
        {
            SampleRounding.Round(img.Data.AsSpan(c * img.PlaneSize + y * width, width), levels, img.MaxValue);
            if (img.BitDepth == 8)
                for (int x = 0, o = c; x < width; x++, o += channels)
                    row[o] = (byte)levels[x];
            else
                for (int x = 0, o = 2 * c; x < width; x++, o += 2 * channels)
                {
                    row[o] = (byte)(levels[x] >> 8);
                    row[o + 1] = (byte)levels[x];
                }
        }
    }

    /// <summary>Writes the filter byte and the filtered row into <paramref name="dst"/>; returns the adaptive heuristic's cost when asked.</summary>
    public static long Filter(PngFilter f, ReadOnlySpan<byte> cur, ReadOnlySpan<byte> prev, Span<byte> dst, int bpp, bool score = true)
    {
        dst[0] = (byte)f;
        var d = dst[1..];
        int n = cur.Length;
        switch (f)
        {
            case PngFilter.None: cur.CopyTo(d); break;
            case PngFilter.Sub:
                cur[..Math.Min(bpp, n)].CopyTo(d);
                Subtract(cur[bpp..], cur, d[bpp..]);
                break;
            case PngFilter.Up:
                Subtract(cur, prev, d);
                break;
            case PngFilter.Average:
                for (int i = 0; i < bpp && i < n; i++) d[i] = (byte)(cur[i] - (prev[i] >> 1));
                SubtractAverage(cur[bpp..], cur, prev[bpp..], d[bpp..]);
                break;
            default:
                for (int i = 0; i < bpp && i < n; i++) d[i] = (byte)(cur[i] - prev[i]); // Paeth(0, b, 0) = b
                for (int i = bpp; i < n; i++) d[i] = (byte)(cur[i] - PngDecoder.Paeth(cur[i - bpp], prev[i], prev[i - bpp]));
                break;
        }
        if (!score) return 0;
        long sum = 0;
        foreach (byte v in d) sum += Math.Abs((int)(sbyte)v); // int: |-128| overflows sbyte
        return sum;
    }

    /// <summary>d = x − ⌊(a + b) / 2⌋ bytewise; the floor average is (a &amp; b) + ((a ^ b) &gt;&gt; 1), which cannot overflow a byte.</summary>
    private static void SubtractAverage(ReadOnlySpan<byte> x, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> d)
    {
        int i = 0, n = d.Length;
        if (Vector.IsHardwareAccelerated)
            for (; i <= n - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                Vector<byte> va = new(a[i..]), vb = new(b[i..]);
                (new Vector<byte>(x[i..]) - ((va & vb) + Vector.ShiftRightLogical(va ^ vb, 1))).CopyTo(d[i..]);
            }
        for (; i < n; i++) d[i] = (byte)(x[i] - ((a[i] + b[i]) >> 1));
    }

    /// <summary>d = a − b bytewise (mod 256), for the first d.Length bytes.</summary>
    private static void Subtract(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> d)
    {
        int i = 0, n = d.Length;
        if (Vector.IsHardwareAccelerated)
            for (; i <= n - Vector<byte>.Count; i += Vector<byte>.Count)
                (new Vector<byte>(a[i..]) - new Vector<byte>(b[i..])).CopyTo(d[i..]);
        for (; i < n; i++) d[i] = (byte)(a[i] - b[i]);
    }
}

/// <summary>Adler-32 (RFC 1950), the zlib stream's checksum, with zlib's combine for checksums of consecutive pieces.</summary>
internal static class Adler32
{
    private const uint Base = 65521;
    private const int MaxRun = 5552; // the most bytes before the sums can overflow 32 bits

    public static uint Update(uint adler, ReadOnlySpan<byte> data)
    {
        uint a = adler & 0xFFFF, b = adler >> 16;
        while (data.Length > 0)
        {
            int run = Math.Min(MaxRun, data.Length);
            foreach (byte v in data[..run])
            {
                a += v;
                b += a;
            }
            a %= Base;
            b %= Base;
            data = data[run..];
        }
        return (b << 16) | a;
    }

    /// <summary>The Adler-32 of A followed by B from theirs and B's length (zlib's adler32_combine).</summary>
    public static uint Combine(uint adlerA, uint adlerB, long lengthB)
    {
        ulong rem = (ulong)(lengthB % Base);
        ulong sum1 = adlerA & 0xFFFF;
        ulong sum2 = rem * sum1 % Base;
        sum1 += (adlerB & 0xFFFF) + Base - 1;
        sum2 += (adlerA >> 16) + (adlerB >> 16) + Base - rem;
        if (sum1 >= Base) sum1 -= Base;
        if (sum1 >= Base) sum1 -= Base;
        if (sum2 >= (ulong)Base << 1) sum2 -= (ulong)Base << 1;
        if (sum2 >= Base) sum2 -= Base;
        return (uint)(sum1 | (sum2 << 16));
    }
}
