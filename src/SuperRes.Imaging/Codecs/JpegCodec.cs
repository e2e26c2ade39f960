using System.Buffers.Binary;
using System.Reflection;
using System.Runtime.InteropServices;

namespace SuperRes.Imaging.Codecs;

/// <summary>
/// JPEG through libjpeg-turbo's TurboJPEG API (libturbojpeg.so.0, Debian package libturbojpeg0).
/// TurboJPEG has a flat, stable C ABI (handles + plain ints), unlike libjpeg's jpeg_decompress_struct
/// whose layout depends on the build. Decoding covers everything libjpeg-turbo decodes (baseline,
/// progressive, arithmetic, any subsampling) with its default accurate islow IDCT and fancy
/// upsampling, i.e. the same pixels as ImageMagick/libjpeg. EXIF orientation is applied here.
/// </summary>
internal static partial class JpegCodec
{
    private const int TJPF_RGB = 0, TJPF_GRAY = 6, TJPF_CMYK = 11;
    private const int TJCS_GRAY = 2, TJCS_CMYK = 3, TJCS_YCCK = 4;
    private const int TJSAMP_444 = 0, TJSAMP_420 = 2, TJSAMP_GRAY = 3;
    private const int TJFLAG_STOPONWARNING = 8192, TJFLAG_LIMITSCANS = 32768;
    private const string Lib = "turbojpeg";

    static JpegCodec()
    {
        // One resolver per assembly; this is the only native library SuperRes.Imaging loads.
        NativeLibrary.SetDllImportResolver(typeof(JpegCodec).Assembly, Resolve);
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Lib) return IntPtr.Zero;
        foreach (var candidate in new[] { "libturbojpeg.so.0", "libturbojpeg.so", "turbojpeg", "libturbojpeg.0.dylib", "libturbojpeg.dylib" })
            if (NativeLibrary.TryLoad(candidate, assembly, path, out var handle)) return handle;
        return IntPtr.Zero;
    }

    [LibraryImport(Lib)] private static partial IntPtr tjInitDecompress();
    [LibraryImport(Lib)] private static partial IntPtr tjInitCompress();
    [LibraryImport(Lib)] private static partial int tjDestroy(IntPtr handle);
    [LibraryImport(Lib)] private static partial void tjFree(IntPtr buffer);
    [LibraryImport(Lib)] private static partial IntPtr tjGetErrorStr2(IntPtr handle);
    [LibraryImport(Lib)]
    private static unsafe partial int tjDecompressHeader3(IntPtr handle, byte* jpeg, CULong size, out int width, out int height, out int subsamp, out int colorspace);
    [LibraryImport(Lib)]
    private static unsafe partial int tjDecompress2(IntPtr handle, byte* jpeg, CULong size, byte* dst, int width, int pitch, int height, int pixelFormat, int flags);
    [LibraryImport(Lib)]
    private static unsafe partial int tjCompress2(IntPtr handle, byte* src, int width, int pitch, int height, int pixelFormat, ref IntPtr jpeg, ref CULong size, int subsamp, int quality, int flags);

    private static string Error(IntPtr handle) => Marshal.PtrToStringUTF8(tjGetErrorStr2(handle)) ?? "unknown TurboJPEG error";

    private static IntPtr Init(bool compress)
    {
        IntPtr h;
        try { h = compress ? tjInitCompress() : tjInitDecompress(); }
        catch (DllNotFoundException ex)
        {
            throw new NotSupportedException(
                "JPEG support needs libjpeg-turbo's TurboJPEG library (libturbojpeg.so.0); on Debian/Ubuntu: apt-get install libturbojpeg0", ex);
        }
        if (h == IntPtr.Zero) throw new InvalidOperationException("TurboJPEG: could not create a handle: " + Error(IntPtr.Zero));
        return h;
    }

    public static Image Decode(byte[] data, string name)
    {
        var (pixels, w, h, pf) = DecodeRaw(data, name);
        return Orientation.Apply(ToImage(pixels, w, h, pf), ExifOrientation(data));
    }

    /// <summary>
    /// Decodes gray and colour JPEGs to their 8-bit samples (upright); null for CMYK/YCCK, whose converted samples are
    /// not integer levels (<see cref="Decode"/> keeps them exactly as floats).
    /// </summary>
    public static PixelImage? DecodePixels(byte[] data, string name)
    {
        var (pixels, w, h, pf) = DecodeRaw(data, name);
        if (pf == TJPF_CMYK)
            return null;
        return Orientation.Apply(new PixelImage(w, h, pf == TJPF_GRAY ? 1 : 3, 8, pixels), ExifOrientation(data));
    }

    private static unsafe (byte[] Pixels, int Width, int Height, int PixelFormat) DecodeRaw(byte[] data, string name)
    {
        IntPtr tj = Init(compress: false);
        try
        {
            fixed (byte* src = data)
            {
                if (tjDecompressHeader3(tj, src, new CULong((nuint)data.Length), out int w, out int h, out _, out int cs) != 0)
                    throw new ImageFormatException(name, "JPEG corrupt: " + Error(tj));
                ImageLimits.Check(name, w, h); // before the pixel buffer exists
                int pf = cs == TJCS_GRAY ? TJPF_GRAY : cs is TJCS_CMYK or TJCS_YCCK ? TJPF_CMYK : TJPF_RGB;
                int ps = pf == TJPF_GRAY ? 1 : pf == TJPF_CMYK ? 4 : 3;
                if ((long)w * h * ps > Array.MaxLength) throw new ImageFormatException(name, $"JPEG too large: {w}x{h}");
                byte[] pixels = GC.AllocateUninitializedArray<byte>(w * h * ps);
                fixed (byte* dst = pixels)
                {
                    // STOPONWARNING: a truncated or damaged stream is an error, not a gray-filled image.
                    if (tjDecompress2(tj, src, new CULong((nuint)data.Length), dst, w, w * ps, h, pf, TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS) != 0)
                        throw new ImageFormatException(name, "JPEG corrupt or truncated: " + Error(tj));
                }
                return (pixels, w, h, pf);
            }
        }
        finally { tjDestroy(tj); }
    }

    private static Image ToImage(byte[] px, int w, int h, int pf)
    {
        int n = w * h;
        if (pf == TJPF_GRAY)
        {
            var g = new Image(w, h, 1);
            for (int i = 0; i < n; i++) g.Data[i] = px[i];
            return g;
        }
        var img = new Image(w, h, 3);
        float[] d = img.Data;
        if (pf == TJPF_RGB)
            for (int i = 0; i < n; i++) { d[i] = px[3 * i]; d[n + i] = px[3 * i + 1]; d[2 * n + i] = px[3 * i + 2]; }
        else
            // CMYK JPEGs in the wild are Adobe's, stored inverted: R = C·K/255 etc. (naive, no ICC).
            for (int i = 0; i < n; i++)
            {
                float k = px[4 * i + 3] / 255f;
                d[i] = px[4 * i] * k; d[n + i] = px[4 * i + 1] * k; d[2 * n + i] = px[4 * i + 2] * k;
            }
        return img;
    }

    /// <summary>
    /// Encodes gray (1 or 2 channels) as a grayscale JPEG, colour as YCbCr: 4:4:4 at quality ≥ 90
    /// (SR output is about fine detail), 4:2:0 below, as ImageMagick does. Alpha is dropped.
    /// </summary>
    public static byte[] Encode(Image src, int quality)
    {
        CheckQuality(quality);
        var (px, gray) = EightBitSamples(src);
        return Compress(px, src.Width, src.Height, gray, quality);
    }

    /// <summary>
    /// Encodes 8-bit gray or RGB samples as they are (no copy); other layouts (alpha, 16 bits) go through
    /// <see cref="Encode(Image, int)"/> exactly as an <see cref="Image"/> of the same levels would.
    /// </summary>
    public static byte[] Encode(PixelImage src, int quality)
    {
        CheckQuality(quality);
        var (px, gray) = EightBitSamples(src.Samples, src.Width, src.Height, src.Channels, src.BitDepth);
        return Compress(px, src.Width, src.Height, gray, quality);
    }

    internal static void CheckQuality(int quality)
    {
        if (quality is < 1 or > 100) throw new ArgumentOutOfRangeException(nameof(quality), "JPEG quality must be 1..100");
    }

    /// <summary>Whether a JPEG of this many channels is grayscale (gray and gray + alpha) rather than YCbCr.</summary>
    internal static bool IsGray(int channels) => channels <= 2;

    /// <summary>
    /// The samples TurboJPEG compresses for <paramref name="rows"/> (interleaved rows as <see cref="PixelImage"/> holds
    /// them, at least <paramref name="height"/> of them): 8-bit gray or RGB as they are, anything else converted sample by
    /// sample as <see cref="Encode(Image, int)"/> converts an image of the same levels.
    /// </summary>
    internal static (byte[] Samples, bool Gray) EightBitSamples(byte[] rows, int width, int height, int channels, int bitDepth)
    {
        if (bitDepth == 8 && channels is 1 or 3)
            return (rows, channels == 1);
        var exact = rows.Length == PixelImage.BytesFor(width, height, channels, bitDepth) ? rows : rows[..(int)PixelImage.BytesFor(width, height, channels, bitDepth)];
        return EightBitSamples(new PixelImage(width, height, channels, bitDepth, exact).ToImage());
    }

    private static (byte[] Samples, bool Gray) EightBitSamples(Image src)
    {
        Image img = src.BitDepth == 8 ? src : src.ToBitDepth(8);
        bool gray = IsGray(img.Channels);
        int ps = gray ? 1 : 3, n = img.Width * img.Height;
        byte[] px = new byte[(long)n * ps];
        for (int c = 0; c < ps; c++)
            for (int i = 0; i < n; i++) px[i * ps + c] = (byte)Image.QuantizeSample(img.Data[c * n + i], 255f);
        return (px, gray);
    }

    /// <summary>TurboJPEG's subsampling for the output: gray, 4:4:4 at quality ≥ 90, 4:2:0 below.</summary>
    private static int Subsampling(bool gray, int quality) => gray ? TJSAMP_GRAY : quality >= 90 ? TJSAMP_444 : TJSAMP_420;

    /// <summary>Pixels of one MCU (the block a JPEG is coded in) for the output's subsampling: 16×16 at 4:2:0, 8×8 otherwise.</summary>
    internal static int McuSize(bool gray, int quality) => Subsampling(gray, quality) == TJSAMP_420 ? 16 : 8;

    /// <summary>A baseline JPEG of the first <paramref name="h"/> rows of <paramref name="px"/> (8-bit gray or RGB, <paramref name="w"/> pixels a row).</summary>
    internal static unsafe byte[] Compress(byte[] px, int w, int h, bool gray, int quality)
    {
        int ps = gray ? 1 : 3;
        IntPtr tj = Init(compress: true);
        IntPtr jpeg = IntPtr.Zero;
        try
        {
            var size = new CULong(0);
            fixed (byte* p = px)
                if (tjCompress2(tj, p, w, w * ps, h, gray ? TJPF_GRAY : TJPF_RGB, ref jpeg, ref size, Subsampling(gray, quality), quality, 0) != 0)
                    throw new InvalidOperationException("TurboJPEG compression failed: " + Error(tj));
            var result = new byte[checked((int)size.Value)];
            Marshal.Copy(jpeg, result, 0, result.Length);
            return result;
        }
        finally
        {
            if (jpeg != IntPtr.Zero) tjFree(jpeg);
            tjDestroy(tj);
        }
    }

    /// <summary>
    /// EXIF Orientation (tag 0x0112 in IFD0 of the APP1 "Exif" segment), 1..8; 1 when absent or
    /// malformed — a broken EXIF block must not make the picture unreadable.
    /// </summary>
    internal static int ExifOrientation(ReadOnlySpan<byte> jpeg)
    {
        int pos = 2; // after SOI
        while (pos + 4 <= jpeg.Length && jpeg[pos] == 0xFF)
        {
            byte marker = jpeg[pos + 1];
            if (marker == 0xFF) { pos++; continue; } // fill byte
            if (marker is 0xDA or 0xD9) break;       // start of scan / end of image: no more headers
            int len = BinaryPrimitives.ReadUInt16BigEndian(jpeg[(pos + 2)..]);
            if (len < 2 || pos + 2 + len > jpeg.Length) break;
            var seg = jpeg.Slice(pos + 4, len - 2);
            if (marker == 0xE1 && seg.Length >= 14 && seg[..6].SequenceEqual("Exif\0\0"u8))
                return OrientationFromTiff(seg[6..]);
            pos += 2 + len;
        }
        return 1;
    }

    private static int OrientationFromTiff(ReadOnlySpan<byte> t)
    {
        bool little;
        if (t[0] == 'I' && t[1] == 'I') little = true;
        else if (t[0] == 'M' && t[1] == 'M') little = false;
        else return 1;
        if (U16(t, 2, little) != 42) return 1;
        uint ifd = U32(t, 4, little);
        if (ifd > (uint)(t.Length - 2)) return 1;
        int count = U16(t, (int)ifd, little);
        for (int i = 0; i < count; i++)
        {
            int e = (int)ifd + 2 + 12 * i;
            if (e + 12 > t.Length) return 1;
            if (U16(t, e, little) == 0x0112 && U16(t, e + 2, little) == 3) // SHORT, value inline
            {
                int v = U16(t, e + 8, little);
                return v is >= 1 and <= 8 ? v : 1;
            }
        }
        return 1;
    }

    private static ushort U16(ReadOnlySpan<byte> t, int o, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(t[o..]) : BinaryPrimitives.ReadUInt16BigEndian(t[o..]);
    private static uint U32(ReadOnlySpan<byte> t, int o, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(t[o..]) : BinaryPrimitives.ReadUInt32BigEndian(t[o..]);
}

/// <summary>EXIF orientation transforms (what a viewer does to show the picture upright).</summary>
internal static class Orientation
{
    /// <summary>Returns the upright samples for EXIF orientation <paramref name="o"/> (1 = as stored).</summary>
    public static PixelImage Apply(PixelImage src, int o)
    {
        if (o is < 2 or > 8) return src;
        int w = src.Width, h = src.Height, pixelBytes = src.Channels * src.BitDepth / 8;
        bool swap = o >= 5;
        var dst = new PixelImage(swap ? h : w, swap ? w : h, src.Channels, src.BitDepth);
        for (int y = 0; y < dst.Height; y++)
        {
            var row = dst.Row(y);
            for (int x = 0; x < dst.Width; x++)
            {
                var (sx, sy) = Source(o, x, y, w, h);
                src.Row(sy).Slice(sx * pixelBytes, pixelBytes).CopyTo(row[(x * pixelBytes)..]);
            }
        }
        return dst;
    }

    /// <summary>Returns the upright image for EXIF orientation <paramref name="o"/> (1 = as stored).</summary>
    public static Image Apply(Image src, int o)
    {
        if (o is < 2 or > 8) return src;
        int w = src.Width, h = src.Height;
        bool swap = o >= 5; // 5..8 transpose the axes
        int ow = swap ? h : w, oh = swap ? w : h;
        var dst = new Image(ow, oh, src.Channels, src.BitDepth);
        for (int c = 0; c < src.Channels; c++)
        {
            var s = src.Plane(c);
            var d = dst.Plane(c);
            for (int y = 0; y < oh; y++)
                for (int x = 0; x < ow; x++)
                {
                    var (sx, sy) = Source(o, x, y, w, h);
                    d[y * ow + x] = s[sy * w + sx];
                }
        }
        return dst;
    }

    /// <summary>(sx, sy): the stored pixel of a <paramref name="w"/> × <paramref name="h"/> image that lands at displayed (x, y).</summary>
    private static (int X, int Y) Source(int o, int x, int y, int w, int h) => o switch
    {
        2 => (w - 1 - x, y),          // mirror horizontal
        3 => (w - 1 - x, h - 1 - y),  // rotate 180
        4 => (x, h - 1 - y),          // mirror vertical
        5 => (y, x),                  // transpose
        6 => (y, h - 1 - x),          // rotate 90 CW
        7 => (w - 1 - y, h - 1 - x),  // transverse
        _ => (w - 1 - y, x),          // 8: rotate 90 CCW
    };
}
