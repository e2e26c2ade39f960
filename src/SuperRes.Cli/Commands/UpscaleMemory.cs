using SuperRes.Imaging;

namespace SuperRes.Cli.Commands;

/// <summary>
/// The host memory one image's upscale holds at its peak, from the file's header alone, so that an image that cannot
/// be afforded is refused before its pixels are decoded. Counts the float32 planes the pipeline keeps at once (the
/// decoded image and its network-convention copy at the input size; at the output size the network's output and
/// the colour conversion back, which also takes the rounding in place, plus alpha) and the encoded file. The network's own working memory
/// is planned separately against the same limit by the tiler.
/// </summary>
internal static class UpscaleMemory
{
    private const long FloatBytes = sizeof(float);

    public static long WorkingBytes(ImageHeader header, int scale, bool lumaNetwork, ImageFormat output)
    {
        long inputPixels = header.Pixels, outputPixels = inputPixels * scale * scale;
        int channels = header.Channels;
        bool alpha = channels is 2 or 4;
        // Input size: the decoded image, its colour planes, and the network-convention copy (RGB; Y-path: YCbCr and Y).
        long inputPlanes = channels + 3 + (lumaNetwork ? 4 : 3);
        // Output size. RGB networks: 3 network planes, the image's colour planes.
        // Y networks: Y from the network, Cb/Cr by bicubic, YCbCr stacked (turned into RGB in place), gray's own plane.
        // Rounding is in place. Alpha: its bicubic plane and the colour and alpha stacked.
        int colorChannels = alpha ? channels - 1 : channels;
        long outputPlanes = (lumaNetwork ? 1 + 2 + 3 + (colorChannels == 1 ? 1 : 0) : 3 + colorChannels) + (alpha ? 1 + channels : 0);
        long encodedBytes = output == ImageFormat.Png
            ? 3 * outputPixels * channels * (header.BitDepth / 8) // the deflate stream's buffer (it grows by doubling) and the file image
            : outputPixels * 4;                                    // JPEG/BMP: the interleaved 8-bit pixels and the file
        return FloatBytes * (inputPixels * inputPlanes + outputPixels * outputPlanes) + encodedBytes;
    }

    /// <summary>The limit images are held to: <c>--max-memory</c>, else <c>SUPERRES_MAX_MEMORY</c>, else the memory this process may use.</summary>
    public static (long Bytes, string Source) Limit(long? maxMemory) =>
        maxMemory is { } given ? (given, "--max-memory")
        : Devices.DefaultMemoryCap is { } env ? (env, "SUPERRES_MAX_MEMORY")
        : (GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, "the memory available to this process");

    /// <summary>Throws a one-line error naming the file when its upscale needs more than the limit.</summary>
    public static void Check(string file, ImageHeader header, int scale, bool lumaNetwork, ImageFormat output, (long Bytes, string Source) limit)
    {
        long needed = WorkingBytes(header, scale, lumaNetwork, output);
        if (needed > limit.Bytes)
            throw new SuperResException(
                $"{file}: upscaling this {header.Width}x{header.Height} image x{scale} needs about {Bytes.Format(needed)} of memory, " +
                $"more than {limit.Source} ({Bytes.Format(limit.Bytes)}); nothing was written");
    }
}
