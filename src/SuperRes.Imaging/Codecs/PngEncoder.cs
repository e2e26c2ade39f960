namespace SuperRes.Imaging.Codecs;

/// <summary>PNG row filters; <see cref="Adaptive"/> tries the five on every row and keeps the smallest (libpng's heuristic).</summary>
internal enum PngFilter { None = 0, Sub = 1, Up = 2, Average = 3, Paeth = 4, Adaptive = 5 }

/// <summary>
/// Managed PNG writer: gray, gray+alpha, RGB, RGBA at 8 or 16 bits (the image's BitDepth), not interlaced. Samples are
/// rounded half away from zero and clipped. The rows go through <see cref="PngStreamEncoder"/>, which filters and deflates
/// bands of them in parallel, so encoding uses every core. The default
/// filter and zlib level were chosen by measurement on a 3600×2000 photo (docs/performance.md, `SuperRes.Benchmarks png`):
/// the Average filter (vectorised) at level 3 is 2–3× faster than libpng's adaptive choice at level 6 for a file 2 %
/// larger; level 1 is faster still but 50 % larger, level 9 several times slower for nothing.
/// </summary>
internal static class PngEncoder
{
    public const int DefaultLevel = 3;
    public const PngFilter DefaultFilter = PngFilter.Average;

    public static byte[] Encode(Image img, int level = DefaultLevel, PngFilter filter = DefaultFilter)
    {
        var output = new MemoryStream();
        var encoder = new PngStreamEncoder(output, img.Width, img.Height, img.Channels, img.BitDepth, level, filter);
        var row = new byte[img.Width * img.Channels * img.BitDepth / 8];
        for (int y = 0; y < img.Height; y++)
        {
            PngRows.Interleave(img, y, row);
            encoder.WriteRows(row);
        }
        encoder.Complete();
        return output.ToArray();
    }

    /// <summary>Encodes samples already interleaved as PNG rows: the rows are copied, not converted.</summary>
    public static byte[] Encode(PixelImage img, int level = DefaultLevel, PngFilter filter = DefaultFilter)
    {
        var output = new MemoryStream();
        var encoder = new PngStreamEncoder(output, img.Width, img.Height, img.Channels, img.BitDepth, level, filter);
        encoder.WriteRows(img.Samples);
        encoder.Complete();
        return output.ToArray();
    }
}
