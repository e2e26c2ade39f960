using System.Buffers.Binary;
using System.IO.Compression;

namespace SuperRes.Imaging.Codecs;

/// <summary>
/// Managed PNG reader (ISO/IEC 15948): colour types 0/2/3/4/6, bit depths 1/2/4/8/16, PLTE, tRNS,
/// Adam7, all five filters, CRC-checked chunks. zlib is System.IO.Compression's.
/// Output: gray(+alpha) or RGB(+alpha) planes; sub-byte gray is scaled to 8 bits (v·255/(2^d−1)),
/// 16-bit stays 16-bit; tRNS turns into an alpha channel.
/// </summary>
internal static class PngDecoder
{
    internal static ReadOnlySpan<byte> Signature => [137, 80, 78, 71, 13, 10, 26, 10];

    // Adam7 passes: x0, y0, dx, dy.
    private static readonly int[,] Adam7 = { { 0, 0, 8, 8 }, { 4, 0, 8, 8 }, { 0, 4, 4, 8 }, { 2, 0, 4, 4 }, { 0, 2, 2, 4 }, { 1, 0, 2, 2 }, { 0, 1, 1, 2 } };

    private sealed class Header
    {
        public int Width, Height, BitDepth, ColorType, Interlace;
        public byte[]? Palette;       // RGB triples
        public byte[]? PaletteAlpha;  // tRNS for colour type 3
        public int[]? TransparentKey; // tRNS for colour types 0 (1 value) and 2 (3 values), raw sample values
        public int SamplesPerPixel => ColorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => 0 };
    }

    public static Image Decode(byte[] data, string name) => DecodePixels(data, name).ToImage();

    /// <summary>Decodes to samples at the file's own bit depth (sub-byte gray and palettes become 8-bit).</summary>
    public static PixelImage DecodePixels(byte[] data, string name)
    {
        var (h, idat) = ReadChunks(data, name);
        var img = Allocate(h, name);
        DecodeRows(h, idat, name, img, rowsReady: null);
        return img;
    }

    /// <summary>
    /// <see cref="DecodePixels(byte[], string)"/> with the rows decoded on a thread of their own: the chunks, CRCs and
    /// header are checked (and the samples allocated) before this returns; reads of the result wait for their rows.
    /// </summary>
    public static DecodingImage StartDecoding(byte[] data, string name)
    {
        var (h, idat) = ReadChunks(data, name);
        return new DecodingImage(Allocate(h, name), (img, rowsReady) =>
            ImageCodec.Decoding(ImageFormat.Png, name, () => DecodeRows(h, idat, name, img, rowsReady)));
    }

    // The header and the concatenated IDAT data, every chunk's CRC checked.
    private static (Header Header, MemoryStream Idat) ReadChunks(byte[] data, string name)
    {
        if (data.Length < 8 || !data.AsSpan(0, 8).SequenceEqual(Signature))
            throw new ImageFormatException(name, "not a PNG file (bad signature)");

        Header? h = null;
        var idat = new MemoryStream();
        bool sawIend = false;
        int pos = 8;
        while (pos < data.Length)
        {
            if (data.Length - pos < 12)
                throw new ImageFormatException(name, $"PNG truncated: incomplete chunk header at byte {pos}");
            uint length = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(pos));
            string type = System.Text.Encoding.ASCII.GetString(data, pos + 4, 4);
            if (length > int.MaxValue || length > (uint)(data.Length - pos - 12))
                throw new ImageFormatException(name, $"PNG truncated: chunk '{type}' at byte {pos} claims {length} bytes, file has {Math.Max(0, data.Length - pos - 12)} left");
            var body = data.AsSpan(pos + 8, (int)length);
            uint storedCrc = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(pos + 8 + (int)length));
            uint crc = Crc32.Compute(data.AsSpan(pos + 4, (int)length + 4));
            if (crc != storedCrc)
                throw new ImageFormatException(name, $"PNG corrupt: CRC mismatch in chunk '{type}' at byte {pos} (stored {storedCrc:x8}, computed {crc:x8})");

            if (h == null && type != "IHDR")
                throw new ImageFormatException(name, $"PNG corrupt: first chunk is '{type}', expected IHDR");
            switch (type)
            {
                case "IHDR":
                    if (h != null) throw new ImageFormatException(name, "PNG corrupt: second IHDR chunk");
                    h = ParseHeader(body, name);
                    break;
                case "PLTE":
                    if (length % 3 != 0 || length == 0 || length > 768)
                        throw new ImageFormatException(name, $"PNG corrupt: PLTE length {length} is not 3..768 and a multiple of 3");
                    h!.Palette = body.ToArray();
                    break;
                case "tRNS":
                    ParseTransparency(h!, body, name);
                    break;
                case "IDAT":
                    idat.Write(body);
                    break;
                case "IEND":
                    sawIend = true;
                    break;
                default:
                    // Bit 5 of the first letter clear = critical chunk we cannot skip safely.
                    if ((type[0] & 0x20) == 0)
                        throw new ImageFormatException(name, $"PNG unsupported: unknown critical chunk '{type}'");
                    break;
            }
            pos += 12 + (int)length;
            if (sawIend) break;
        }
        if (h == null) throw new ImageFormatException(name, "PNG truncated: no IHDR chunk");
        if (!sawIend) throw new ImageFormatException(name, "PNG truncated: file ends before the IEND chunk");
        if (idat.Length == 0) throw new ImageFormatException(name, "PNG corrupt: no IDAT chunk");
        if (h.ColorType == 3 && h.Palette == null) throw new ImageFormatException(name, "PNG corrupt: palette image without PLTE chunk");
        idat.Position = 0;
        return (h, idat);
    }

    private static Header ParseHeader(ReadOnlySpan<byte> b, string name)
    {
        if (b.Length != 13) throw new ImageFormatException(name, $"PNG corrupt: IHDR length {b.Length}, expected 13");
        uint w = BinaryPrimitives.ReadUInt32BigEndian(b), hgt = BinaryPrimitives.ReadUInt32BigEndian(b[4..]);
        var h = new Header { BitDepth = b[8], ColorType = b[9], Interlace = b[12] };
        bool ok = h.ColorType switch
        {
            0 => h.BitDepth is 1 or 2 or 4 or 8 or 16,
            3 => h.BitDepth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => h.BitDepth is 8 or 16,
            _ => false,
        };
        if (!ok) throw new ImageFormatException(name, $"PNG corrupt: invalid colour type {h.ColorType} with bit depth {h.BitDepth}");
        if (b[10] != 0 || b[11] != 0) throw new ImageFormatException(name, $"PNG unsupported: compression method {b[10]}, filter method {b[11]}");
        if (h.Interlace > 1) throw new ImageFormatException(name, $"PNG corrupt: interlace method {h.Interlace}");
        if (w > int.MaxValue || hgt > int.MaxValue) throw new ImageFormatException(name, $"PNG corrupt: size {w}x{hgt} out of range");
        ImageLimits.Check(name, w, hgt); // before any pixel allocation
        h.Width = (int)w; h.Height = (int)hgt;
        if ((long)h.Width * h.Height * Math.Max(h.SamplesPerPixel, 3) > Array.MaxLength)
            throw new ImageFormatException(name, $"PNG too large: {w}x{hgt} does not fit in one array");
        return h;
    }

    private static void ParseTransparency(Header h, ReadOnlySpan<byte> b, string name)
    {
        switch (h.ColorType)
        {
            case 3:
                if (h.Palette == null) throw new ImageFormatException(name, "PNG corrupt: tRNS before PLTE");
                if (b.Length > h.Palette.Length / 3) throw new ImageFormatException(name, "PNG corrupt: tRNS has more entries than PLTE");
                h.PaletteAlpha = b.ToArray();
                break;
            case 0:
                if (b.Length != 2) throw new ImageFormatException(name, $"PNG corrupt: gray tRNS length {b.Length}, expected 2");
                h.TransparentKey = [BinaryPrimitives.ReadUInt16BigEndian(b)];
                break;
            case 2:
                if (b.Length != 6) throw new ImageFormatException(name, $"PNG corrupt: RGB tRNS length {b.Length}, expected 6");
                h.TransparentKey = [BinaryPrimitives.ReadUInt16BigEndian(b), BinaryPrimitives.ReadUInt16BigEndian(b[2..]), BinaryPrimitives.ReadUInt16BigEndian(b[4..])];
                break;
            // tRNS is not allowed with an alpha channel; ignore it like libpng does.
        }
    }

    // Adam7's passes (one for a plain image): origin, step and size of each.
    private static List<(int x0, int y0, int dx, int dy, int w, int h)> Passes(Header h)
    {
        var passes = new List<(int x0, int y0, int dx, int dy, int w, int h)>();
        if (h.Interlace == 0) passes.Add((0, 0, 1, 1, h.Width, h.Height));
        else
            for (int p = 0; p < 7; p++)
            {
                int x0 = Adam7[p, 0], y0 = Adam7[p, 1], dx = Adam7[p, 2], dy = Adam7[p, 3];
                int pw = h.Width > x0 ? (h.Width - x0 + dx - 1) / dx : 0;
                int ph = h.Height > y0 ? (h.Height - y0 + dy - 1) / dy : 0;
                if (pw > 0 && ph > 0) passes.Add((x0, y0, dx, dy, pw, ph));
            }
        return passes;
    }

    // The samples the image decodes to, once its decompressed size (per pass, rows × (1 filter byte + packed row bytes)) is known to fit.
    private static PixelImage Allocate(Header h, string name)
    {
        int bitsPerPixel = h.SamplesPerPixel * h.BitDepth;
        long total = 0;
        foreach (var p in Passes(h)) total += (long)p.h * (1 + RowBytes(p.w, bitsPerPixel));
        if (total > Array.MaxLength) throw new ImageFormatException(name, "PNG too large: decompressed data does not fit in one array");
        bool alpha = h.ColorType is 4 or 6 || h.TransparentKey != null || h.PaletteAlpha != null;
        int outChannels = h.ColorType switch { 0 or 4 => 1, _ => 3 } + (alpha ? 1 : 0);
        return new PixelImage(h.Width, h.Height, outChannels, h.BitDepth == 16 ? 16 : 8);
    }

    /// <summary>
    /// Inflates and unfilters the rows into <paramref name="img"/> one row at a time (no buffer of the whole
    /// decompressed data), telling <paramref name="rowsReady"/> how many rows from the top are complete: every few
    /// rows of a plain image, and only at the end of an interlaced one (its passes fill every row).
    /// </summary>
    private static void DecodeRows(Header h, MemoryStream idat, string name, PixelImage img, Action<int>? rowsReady)
    {
        const int RowsPerReport = 16;
        int spp = h.SamplesPerPixel;
        int bitsPerPixel = spp * h.BitDepth;
        int bpp = Math.Max(1, bitsPerPixel / 8); // filter byte distance
        var passes = Passes(h);
        long total = 0;
        foreach (var p in passes) total += (long)p.h * (1 + RowBytes(p.w, bitsPerPixel));
        int maxRow = passes.Max(p => RowBytes(p.w, bitsPerPixel));
        var line = new byte[1 + maxRow];
        var prev = new byte[maxRow];
        var samples = new int[passes.Max(p => p.w) * spp];
        long got = 0;
        try
        {
            using var z = new ZLibStream(idat, CompressionMode.Decompress);
            foreach (var p in passes)
            {
                int rb = RowBytes(p.w, bitsPerPixel);
                Array.Clear(prev, 0, rb);
                for (int y = 0; y < p.h; y++)
                {
                    int n = ReadFully(z, line.AsSpan(0, 1 + rb));
                    got += n;
                    if (n < 1 + rb)
                        throw new ImageFormatException(name, $"PNG truncated: image data decompresses to {got} bytes, expected {total}");
                    var row = line.AsSpan(1, rb);
                    Unfilter(line[0], row, prev.AsSpan(0, rb), bpp, name, y);
                    row.CopyTo(prev);
                    Unpack(row, samples, p.w * spp, h.BitDepth);
                    Store(h, img, samples, p.w, p.y0 + y * p.dy, p.x0, p.dx);
                    if (h.Interlace == 0 && ((y + 1) % RowsPerReport == 0 || y + 1 == p.h))
                        rowsReady?.Invoke(y + 1);
                }
            }
        }
        catch (InvalidDataException ex)
        {
            throw new ImageFormatException(name, $"PNG corrupt: bad zlib data in IDAT ({ex.Message})", ex);
        }
        rowsReady?.Invoke(h.Height);
    }

    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int got = 0;
        while (got < buffer.Length)
        {
            int n = stream.Read(buffer[got..]);
            if (n == 0) break;
            got += n;
        }
        return got;
    }

    private static int RowBytes(int width, int bitsPerPixel) => (int)(((long)width * bitsPerPixel + 7) / 8);

    private static void Unfilter(byte filter, Span<byte> row, ReadOnlySpan<byte> prev, int bpp, string name, int y)
    {
        switch (filter)
        {
            case 0: break;
            case 1: for (int i = bpp; i < row.Length; i++) row[i] += row[i - bpp]; break;
            case 2: for (int i = 0; i < row.Length; i++) row[i] += prev[i]; break;
            case 3:
                for (int i = 0; i < row.Length; i++)
                    row[i] += (byte)(((i >= bpp ? row[i - bpp] : 0) + prev[i]) >> 1);
                break;
            case 4:
                for (int i = 0; i < row.Length; i++)
                {
                    int a = i >= bpp ? row[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
                    row[i] += (byte)Paeth(a, b, c);
                }
                break;
            default:
                throw new ImageFormatException(name, $"PNG corrupt: invalid filter type {filter} in row {y}");
        }
    }

    internal static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static void Unpack(ReadOnlySpan<byte> row, int[] samples, int count, int depth)
    {
        switch (depth)
        {
            case 8: for (int i = 0; i < count; i++) samples[i] = row[i]; break;
            case 16: for (int i = 0; i < count; i++) samples[i] = (row[2 * i] << 8) | row[2 * i + 1]; break;
            default:
                int perByte = 8 / depth, mask = (1 << depth) - 1;
                for (int i = 0; i < count; i++)
                {
                    int shift = 8 - depth * (i % perByte + 1); // most significant bits first
                    samples[i] = (row[i / perByte] >> shift) & mask;
                }
                break;
        }
    }

    private static void Store(Header h, PixelImage img, int[] s, int pw, int y, int x0, int dx)
    {
        // Sub-byte gray is scaled up to 8 bits; 8- and 16-bit keep their values.
        int grayScale = h.ColorType == 0 && h.BitDepth < 8 ? 255 / ((1 << h.BitDepth) - 1) : 1;
        int opaque = (1 << img.BitDepth) - 1;
        for (int i = 0; i < pw; i++)
        {
            int x = x0 + i * dx;
            switch (h.ColorType)
            {
                case 0:
                    img.SetSample(x, y, 0, s[i] * grayScale);
                    if (h.TransparentKey != null) img.SetSample(x, y, 1, s[i] == h.TransparentKey[0] ? 0 : opaque);
                    break;
                case 2:
                    int r = s[3 * i], g = s[3 * i + 1], b = s[3 * i + 2];
                    img.SetSample(x, y, 0, r); img.SetSample(x, y, 1, g); img.SetSample(x, y, 2, b);
                    if (h.TransparentKey is { } k)
                        img.SetSample(x, y, 3, r == k[0] && g == k[1] && b == k[2] ? 0 : opaque);
                    break;
                case 3:
                    int idx = s[i];
                    var pal = h.Palette!;
                    // Out-of-range indices decode as opaque black (libpng's behaviour), not an error.
                    bool inRange = 3 * idx + 2 < pal.Length;
                    for (int c = 0; c < 3; c++)
                        img.SetSample(x, y, c, inRange ? pal[3 * idx + c] : 0);
                    if (h.PaletteAlpha is { } pa) img.SetSample(x, y, 3, idx < pa.Length ? pa[idx] : 255);
                    break;
                default: // 4 (gray+alpha) and 6 (RGBA): the samples in file order
                    for (int c = 0; c < img.Channels; c++)
                        img.SetSample(x, y, c, s[img.Channels * i + c]);
                    break;
            }
        }
    }
}
