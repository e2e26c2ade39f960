using SuperRes.Imaging;

namespace SuperRes.Cli.Commands;

/// <summary>What one image's upscale holds in host memory, as far as the header tells before decoding.</summary>
/// <param name="Streamed">Whether the image goes through the streaming pipeline (<see cref="SuperRes.Models.Inference.Upscaler.Streams"/>).</param>
/// <param name="LumaNetwork">The network upscales Y (Cb/Cr by bicubic).</param>
/// <param name="PreUpsampled">The network's input is the bicubic-enlarged image (SRCNN).</param>
internal sealed record UpscaleWork(int Scale, bool LumaNetwork, bool PreUpsampled, bool Streamed);

/// <summary>
/// The host memory one image's upscale holds at its peak, from the file's header alone, so that an image that cannot
/// be afforded is refused before its pixels are decoded. Streamed (<see cref="SuperRes.Models.Inference.Upscaler.UpscaleTo"/>):
/// the decoded samples at their own bit depth (and, while decoding, the file and the decompressed rows beside them),
/// one band of output rows, the conversion's strips, and the encoder (<see cref="ImageCodec.WriterBytes"/>: a PNG's bands,
/// a JPEG's strips in flight, a BMP's chunk of rows). Otherwise (alpha through the network, self-ensemble) the float32 planes of the in-memory
/// pipeline at the output size. The network's forwards take what is left of the limit on a host-memory device (the
/// tiler plans them against it), and the device's own memory otherwise.
/// </summary>
internal static class UpscaleMemory
{
    private const long FloatBytes = sizeof(float);

    // Rows of the output band counted for a streamed image: a row of tiles is rarely taller (512 LR pixels at x2).
    internal const long BandRows = 1024;

    // The conversion's float strips (TileConversion: 2^18 output pixels, a few planes each).
    internal const long StripBytes = 8L << 20;

    public static long WorkingBytes(ImageHeader header, UpscaleWork work, ImageFormat output)
    {
        long inputPixels = header.Pixels, outputPixels = inputPixels * work.Scale * work.Scale;
        int channels = header.Channels, sampleBytes = header.BitDepth / 8;
        bool alpha = channels is 2 or 4;
        int colorChannels = alpha ? channels - 1 : channels;
        long outputSamples = PixelImage.BytesFor(header.Width * (long)work.Scale, header.Height * (long)work.Scale, channels, header.BitDepth);
        if (work.Streamed)
        {
            long decoded = DecodingBytes(header);
            long band = header.Width * (long)work.Scale * channels * sampleBytes * Math.Min(header.Height * (long)work.Scale, BandRows);
            long encoder = ImageCodec.WriterBytes(output, header.Width * work.Scale, header.Height * work.Scale, channels, header.BitDepth);
            return decoded + band + StripBytes + encoder;
        }
        long encodedBytes = output == ImageFormat.Png
            ? 3 * outputPixels * channels * sampleBytes // the deflate bands, the zlib stream and the file image
            : outputPixels * 4;                         // JPEG/BMP: the interleaved 8-bit pixels and the file
        // In memory. Input size: the decoded image, its colour planes, and the network-convention copy (RGB; Y-path: YCbCr and Y).
        long planesIn = channels + 3 + (work.LumaNetwork ? 4 : 3);
        // Output size. RGB networks: 3 network planes, the image's colour planes. Y networks: Y from the network,
        // Cb/Cr by bicubic, YCbCr stacked (turned into RGB in place), gray's own plane. Rounding is in place.
        // Alpha: its bicubic plane and the colour and alpha stacked. Then the samples they are stored as.
        // SRCNN: its input, the Y enlarged by bicubic, is an output-size plane too.
        long planesOut = (work.LumaNetwork ? 1 + 2 + 3 + (colorChannels == 1 ? 1 : 0) : 3 + colorChannels) + (alpha ? 1 + channels : 0)
                         + (work.PreUpsampled ? 1 : 0);
        return FloatBytes * (inputPixels * planesIn + outputPixels * planesOut) + outputSamples + encodedBytes;
    }

    /// <summary>The decoded samples, and while they are decoded the file and its decompressed rows (no larger than the samples).</summary>
    public static long DecodingBytes(ImageHeader header) => 3 * header.Pixels * header.Channels * (header.BitDepth / 8);

    /// <summary>The limit images are held to: <c>--max-memory</c>, else <c>SUPERRES_MAX_MEMORY</c>, else the memory this process may use.</summary>
    public static (long Bytes, string Source) Limit(long? maxMemory) =>
        maxMemory is { } given ? (given, "--max-memory")
        : Devices.DefaultMemoryCap is { } env ? (env, "SUPERRES_MAX_MEMORY")
        : (GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, "the memory available to this process");

    /// <summary>
    /// The image's working bytes; throws a one-line error naming the file when they exceed the limit, before anything
    /// is decoded or allocated.
    /// </summary>
    public static long Check(string file, ImageHeader header, UpscaleWork work, ImageFormat output, (long Bytes, string Source) limit)
    {
        long needed = WorkingBytes(header, work, output);
        if (needed > limit.Bytes)
            throw new SuperResException(
                $"{file}: upscaling this {header.Width}x{header.Height} image x{work.Scale} needs about {Bytes.Format(needed)} of memory, " +
                $"more than {limit.Source} ({Bytes.Format(limit.Bytes)}); nothing was written");
        return needed;
    }
}
