using System.Buffers.Binary;
using System.Numerics;

namespace SuperRes.Imaging.Codecs;

/// <summary>
/// Windows BMP. Read: 1/4/8-bit palette, 16/32-bit BI_RGB or BI_BITFIELDS, 24-bit; bottom-up and
/// top-down; RLE8; OS/2 core headers and BITMAPINFOHEADER through V5. RLE4 is refused. A palette whose
/// entries are all gray decodes as 1 channel; alpha only where a bitfields alpha mask says so
/// (BI_RGB 32-bit's fourth byte is "reserved" and often garbage).
/// Write: gray → 8-bit gray palette, RGB → 24-bit, gray+alpha / RGBA → 32-bit BI_BITFIELDS with a
/// BITMAPV4HEADER (what ImageMagick and browsers read as alpha). 16-bit images are scaled to 8.
/// </summary>
internal static class BmpCodec
{
    private const int BI_RGB = 0, BI_RLE8 = 1, BI_RLE4 = 2, BI_BITFIELDS = 3, BI_ALPHABITFIELDS = 6;

    public static Image Decode(byte[] data, string name)
    {
        var d = data.AsSpan();
        if (d.Length < 18 || d[0] != 'B' || d[1] != 'M') throw new ImageFormatException(name, "not a BMP file");
        uint pixelOffset = BinaryPrimitives.ReadUInt32LittleEndian(d[10..]);
        uint headerSize = BinaryPrimitives.ReadUInt32LittleEndian(d[14..]);
        if (headerSize is not (12 or 40 or 52 or 56 or 64 or 108 or 124))
            throw new ImageFormatException(name, $"BMP unsupported: DIB header size {headerSize}");
        if (d.Length < 14 + headerSize) throw new ImageFormatException(name, "BMP truncated: incomplete header");
        var hd = d.Slice(14, (int)headerSize);

        long width, height; int bitCount, compression = BI_RGB, colorsUsed = 0;
        if (headerSize == 12)
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(hd[4..]);
            height = BinaryPrimitives.ReadInt16LittleEndian(hd[6..]);
            bitCount = BinaryPrimitives.ReadUInt16LittleEndian(hd[10..]);
        }
        else
        {
            width = BinaryPrimitives.ReadInt32LittleEndian(hd[4..]);
            height = BinaryPrimitives.ReadInt32LittleEndian(hd[8..]);
            bitCount = BinaryPrimitives.ReadUInt16LittleEndian(hd[14..]);
            compression = (int)BinaryPrimitives.ReadUInt32LittleEndian(hd[16..]);
            colorsUsed = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(hd[32..]), 1u << 16);
        }
        bool topDown = height < 0;
        height = Math.Abs(height);
        ImageLimits.Check(name, width, height);
        int w = (int)width, h = (int)height;

        if (compression == BI_RLE4) throw new ImageFormatException(name, "BMP unsupported: RLE4 compression");
        if (compression == BI_RLE8 && (bitCount != 8 || topDown)) throw new ImageFormatException(name, "BMP corrupt: RLE8 needs 8 bits per pixel, bottom-up");
        if (compression is not (BI_RGB or BI_RLE8 or BI_BITFIELDS or BI_ALPHABITFIELDS))
            throw new ImageFormatException(name, $"BMP unsupported: compression type {compression}");
        if (bitCount is not (1 or 4 or 8 or 16 or 24 or 32))
            throw new ImageFormatException(name, $"BMP unsupported: {bitCount} bits per pixel");

        // Channel masks: in the header for V2+ headers, right after a 40-byte header otherwise.
        uint rMask = 0, gMask = 0, bMask = 0, aMask = 0;
        int afterHeader = 14 + (int)headerSize;
        bool bitfields = compression is BI_BITFIELDS or BI_ALPHABITFIELDS;
        if (bitfields)
        {
            if (bitCount is not (16 or 32)) throw new ImageFormatException(name, $"BMP corrupt: bitfields with {bitCount} bits per pixel");
            int maskCount = compression == BI_ALPHABITFIELDS ? 4 : 3;
            ReadOnlySpan<byte> m;
            if (headerSize >= 52 && headerSize != 64) m = hd[40..]; // 64 = OS/2 2.x, no masks
            else
            {
                if (d.Length < afterHeader + 4 * maskCount) throw new ImageFormatException(name, "BMP truncated: missing bitfield masks");
                m = d.Slice(afterHeader, 4 * maskCount);
                afterHeader += 4 * maskCount;
            }
            rMask = BinaryPrimitives.ReadUInt32LittleEndian(m);
            gMask = BinaryPrimitives.ReadUInt32LittleEndian(m[4..]);
            bMask = BinaryPrimitives.ReadUInt32LittleEndian(m[8..]);
            if (m.Length >= 16 && (headerSize >= 56 || maskCount == 4)) aMask = BinaryPrimitives.ReadUInt32LittleEndian(m[12..]);
        }
        else if (bitCount == 16) { rMask = 0x7C00; gMask = 0x03E0; bMask = 0x001F; }
        else if (bitCount == 32) { rMask = 0xFF0000; gMask = 0xFF00; bMask = 0xFF; }

        byte[]? palette = null; // BGR triples
        if (bitCount <= 8)
        {
            int entries = colorsUsed > 0 ? Math.Min(colorsUsed, 1 << bitCount) : 1 << bitCount;
            int entrySize = headerSize == 12 ? 3 : 4;
            if (d.Length < afterHeader + entries * entrySize) throw new ImageFormatException(name, "BMP truncated: incomplete palette");
            palette = new byte[entries * 3];
            for (int i = 0; i < entries; i++)
                d.Slice(afterHeader + i * entrySize, 3).CopyTo(palette.AsSpan(3 * i));
        }

        long stride = ((long)w * bitCount + 31) / 32 * 4;
        byte[]? rle = null;
        if (compression == BI_RLE8)
        {
            if (pixelOffset > d.Length) throw new ImageFormatException(name, "BMP truncated: no pixel data");
            rle = DecodeRle8(d[(int)pixelOffset..], w, h, name);
            stride = 0; // rows come from the expanded buffer
        }
        if (pixelOffset > d.Length || stride * h > d.Length - pixelOffset)
            throw new ImageFormatException(name, $"BMP truncated: pixel data needs {stride * h} bytes at offset {pixelOffset}, file has {Math.Max(0, d.Length - (long)pixelOffset)}");

        bool gray = palette != null && IsGrayPalette(palette);
        int channels = gray ? 1 : 3 + (aMask != 0 ? 1 : 0);
        var img = new Image(w, h, channels);
        float[] o = img.Data;
        int plane = img.PlaneSize;

        for (int y = 0; y < h; y++)
        {
            var row = rle != null ? rle.AsSpan(y * w, w) : d.Slice((int)(pixelOffset + stride * y), (int)stride);
            int oy = topDown ? y : h - 1 - y;
            int ob = oy * w;
            for (int x = 0; x < w; x++)
            {
                int i = ob + x;
                switch (bitCount)
                {
                    case 24:
                        o[i] = row[3 * x + 2]; o[plane + i] = row[3 * x + 1]; o[2 * plane + i] = row[3 * x];
                        break;
                    case 16:
                    case 32:
                        uint px = bitCount == 16 ? BinaryPrimitives.ReadUInt16LittleEndian(row[(2 * x)..]) : BinaryPrimitives.ReadUInt32LittleEndian(row[(4 * x)..]);
                        o[i] = Field(px, rMask);
                        o[plane + i] = Field(px, gMask);
                        o[2 * plane + i] = Field(px, bMask);
                        if (aMask != 0) o[3 * plane + i] = Field(px, aMask);
                        break;
                    default:
                        int bit = x * bitCount;
                        int idx = (row[bit >> 3] >> (8 - bitCount - (bit & 7))) & ((1 << bitCount) - 1);
                        int p = 3 * idx;
                        bool ok = p + 2 < palette!.Length; // out-of-range index → black
                        if (gray) o[i] = ok ? palette[p] : 0;
                        else
                        {
                            o[i] = ok ? palette[p + 2] : 0; o[plane + i] = ok ? palette[p + 1] : 0; o[2 * plane + i] = ok ? palette[p] : 0;
                        }
                        break;
                }
            }
        }
        return img;
    }

    /// <summary>
    /// Expands RLE8 (bottom-up, like the stored rows) into one index byte per pixel. Pixels the
    /// stream skips (delta / early end of line) stay index 0.
    /// </summary>
    private static byte[] DecodeRle8(ReadOnlySpan<byte> s, int w, int h, string name)
    {
        var idx = new byte[(long)w * h];
        int x = 0, y = 0, p = 0;
        while (true)
        {
            if (p + 2 > s.Length) throw new ImageFormatException(name, "BMP truncated: RLE8 data ends without an end-of-bitmap code");
            int count = s[p], value = s[p + 1];
            p += 2;
            if (count > 0)
            {
                for (int i = 0; i < count && x < w; i++, x++) if (y < h) idx[(long)y * w + x] = (byte)value;
            }
            else if (value == 0) { x = 0; y++; }   // end of line
            else if (value == 1) break;            // end of bitmap
            else if (value == 2)                   // delta
            {
                if (p + 2 > s.Length) throw new ImageFormatException(name, "BMP truncated: RLE8 delta");
                x += s[p]; y += s[p + 1]; p += 2;
            }
            else                                   // absolute run of `value` literal bytes, padded to even
            {
                if (p + value > s.Length) throw new ImageFormatException(name, "BMP truncated: RLE8 literal run");
                for (int i = 0; i < value; i++, x++) if (x < w && y < h) idx[(long)y * w + x] = s[p + i];
                p += (value + 1) & ~1;
            }
            if (y >= h) break;
        }
        return idx;
    }

    private static bool IsGrayPalette(byte[] bgr)
    {
        for (int i = 0; i < bgr.Length; i += 3)
            if (bgr[i] != bgr[i + 1] || bgr[i] != bgr[i + 2]) return false;
        return true;
    }

    /// <summary>
    /// The masked field widened to 8 bits by bit replication (5-bit 0b00111 → 0b00111001 = 57),
    /// what ImageMagick and libpng do; wider fields keep their top 8 bits.
    /// </summary>
    private static float Field(uint px, uint mask)
    {
        if (mask == 0) return 0;
        int shift = BitOperations.TrailingZeroCount(mask);
        int n = BitOperations.PopCount(mask >> shift);
        uint v = (px & mask) >> shift;
        if (n >= 8) return v >> (n - 8);
        uint r = 0;
        for (int s = 8 - n; s > -n; s -= n) r |= s >= 0 ? v << s : v >> -s;
        return r & 255;
    }

    /// <summary>The whole file: headers, then the rows bottom-up.</summary>
    public static byte[] Encode(Image src)
    {
        var layout = new BmpLayout(src.Width, src.Height, src.Channels);
        var file = new byte[layout.FileBytes];
        layout.WriteHeaders(file);
        layout.WriteRows(BmpLayout.EightBitSamples(src), file.AsSpan(layout.PixelOffset));
        return file;
    }
}
