using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.ExceptionServices;
using SuperRes.Imaging;
using SuperRes.Models.Networks;

namespace SuperRes.Models.Inference;

/// <summary>
/// The streaming form of <see cref="Upscaler.Upscale(Image, Action?, bool)"/>: the image stays at its own bit depth
/// (a <see cref="PixelImage"/>, or any <see cref="IImageSource"/>) and becomes float only per tile; each tile's output
/// is converted (colour, rounding) into a band of output rows on a second task while the next tile's forward runs,
/// and each finished band of rows goes to an <see cref="ImageRowSink"/> (a PNG is deflated band by band as they
/// arrive), so decode, conversion, the network and encode overlap. Every step is the in-memory pipeline's per pixel,
/// in the same order, and tiles on the cpu backend have the untiled bits: the samples are those of <c>Upscale</c>.
/// </summary>
public sealed partial class Upscaler
{
    // Tile outputs waiting for conversion: one being converted, one queued while the next forward runs.
    private const int QueuedBlocks = 2;

    /// <summary>
    /// Upscales <paramref name="image"/> into <paramref name="output"/> (its size × <see cref="Scale"/>, its channels and
    /// bit depth) and completes it. An alpha channel run through the network (<see cref="UpscaleOptions.AlphaWithNetwork"/>)
    /// takes the in-memory path, whose samples then go out at once; the self-ensemble streams (it runs per tile).
    /// </summary>
    /// <exception cref="SuperResException">The network produced NaN or ±Inf; nothing is completed.</exception>
    /// <param name="reservedHostBytes">Host memory the caller holds for this image (its samples, the encoder), taken off
    /// <see cref="UpscaleOptions.MaxMemoryBytes"/> before the tiles are planned on a host-memory device.</param>
    public void UpscaleTo(IImageSource image, ImageRowSink output, Action? workDone = null, long reservedHostBytes = 0)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(output);
        if ((output.Width, output.Height, output.Channels, output.BitDepth) != (image.Width * Scale, image.Height * Scale, image.Channels, image.BitDepth))
            throw new ArgumentException($"a {output.Width}x{output.Height}x{output.Channels} {output.BitDepth}-bit output does not hold " +
                                        $"a {image.Width}x{image.Height}x{image.Channels} {image.BitDepth}-bit image upscaled x{Scale}", nameof(output));
        if (!Streams(image.Channels))
        {
            var levels = Upscale(image as Image ?? image.ReadRegion(0, 0, image.Width, image.Height), workDone);
            var pixels = new PixelImage(levels.Width, levels.Height, levels.Channels, levels.BitDepth);
            pixels.Write(levels, 0, 0);
            output.WriteRows(pixels.Samples);
        }
        else
        {
            TileConversion conversion = Network.Colors == ColorConvention.Y01
                ? new LumaTileConversion(image, Scale, Network.NeedsPreUpsampledInput)
                : new RgbTileConversion(image, Scale, Network.Colors);
            Stream(conversion, output, reservedHostBytes, workDone);
        }
        using (Options.Timings.Time("complete the output (last bands, write, rename)"))
            output.Complete();
    }

    /// <summary>
    /// Whether an image of <paramref name="channels"/> goes through the streaming pipeline of <see cref="UpscaleTo"/>: all
    /// but an alpha channel run through the network, which takes the in-memory path.
    /// </summary>
    public bool Streams(int channels) => !(channels is 2 or 4 && Options.AlphaWithNetwork);

    /// <summary><see cref="UpscaleTo"/> into samples in memory.</summary>
    public PixelImage UpscaleToPixels(IImageSource image, Action? workDone = null, long reservedHostBytes = 0)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var sink = new PixelImageSink(image.Width * Scale, image.Height * Scale, image.Channels, image.BitDepth);
        UpscaleTo(image, sink, workDone, reservedHostBytes);
        return sink.Image;
    }

    /// <summary>
    /// Runs the tiles of the network input and, on a second task, checks each block, converts it into the current band
    /// of output rows and hands the band to <paramref name="output"/> once its row of tiles is done. An error on either
    /// side (the network, the conversion, the encoder) stops both and is rethrown.
    /// </summary>
    private void Stream(TileConversion conversion, ImageRowSink output, long reserved, Action? workDone)
    {
        var input = conversion.NetworkInput;
        var timings = Options.Timings;
        TiledForward tiled;
        using (timings.Time("plan the tiles (memory model)"))
            tiled = PlanTiles(input.Channels, input.Height, input.Width, reserved);
        tiled.Timings = timings;
        int s = tiled.OutputScale;
        // One band of output rows, reused for every row of tiles.
        var band = new PixelImage(output.Width, (int)Math.Min(output.Height, (long)tiled.TileHeight * s), output.Channels, output.BitDepth);
        using var queue = new BlockingCollection<(Image Block, int X, int Y)>(QueuedBlocks);
        using var stop = new CancellationTokenSource();
        var consumer = Task.Run(() =>
        {
            try
            {
                foreach (var (block, x, y) in queue.GetConsumingEnumerable(stop.Token))
                {
                    using (timings.Time("check finite"))
                        RequireFinite(block);
                    using (timings.Time("convert a block (colour, chroma, rounding)"))
                        conversion.Write(block, x, y, band, y, tiled.Buffers);
                    tiled.Buffers.Return(block);
                    if (x + block.Width == output.Width)
                        using (timings.Time("hand rows to the encoder"))
                            output.WriteRows(band.Rows(0, block.Height));
                    workDone?.Invoke();
                }
            }
            catch
            {
                stop.Cancel(); // the producer stops at its next block
                throw;
            }
        });
        Exception? forwardError = null;
        // Under a memory limit on a host-memory device, the pool's cached blocks must leave the image its bytes: the
        // pool is held to the limit less them while the tiles run (else it may keep blocks up to the whole limit).
        var pool = Device.Memory;
        long deviceCap = pool.CapBytes;
        if (!Device.Info.IsGpu && Options.MaxMemoryBytes is { } limit)
            pool.CapBytes = Math.Min(deviceCap, Math.Max(pool.InUseBytes, limit - reserved));
        try
        {
            tiled.RunBlocks(input, (block, x, y) =>
            {
                using (timings.Time("wait for the conversion queue"))
                    queue.Add((block, x, y), stop.Token);
            });
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The consumer failed: its exception is the one to report.
        }
        catch (Exception e)
        {
            forwardError = e;
            stop.Cancel();
        }
        finally
        {
            pool.CapBytes = deviceCap;
            queue.CompleteAdding();
        }
        try
        {
            using (timings.Time("wait for the last conversions"))
                consumer.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (forwardError is not null)
        {
        }
        if (forwardError is not null)
            ExceptionDispatchInfo.Throw(forwardError);
        using (timings.Time("release forward memory"))
            ReleaseForwardMemory();
    }

    private void RequireFinite(Image block)
    {
        int bad = NonFinite(block.Data);
        if (bad > 0)
            throw new SuperResException($"the {Network.Architecture} network produced {bad} non-finite value(s) (NaN or ±Inf) in a tile of {block.Data.Length}: " +
                                        "its weights or the input are broken (or the device miscomputed); no image was written");
    }

    /// <summary>How many of <paramref name="values"/> are NaN or ±Inf (all exponent bits set), a vector at a time.</summary>
    internal static int NonFinite(ReadOnlySpan<float> values)
    {
        var bits = MemoryMarshal.Cast<float, int>(values);
        int count = 0, i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var exponent = new Vector<int>(0x7F800000);
            var found = Vector<int>.Zero;
            for (; i <= bits.Length - Vector<int>.Count; i += Vector<int>.Count)
                found -= Vector.Equals(new Vector<int>(bits[i..]) & exponent, exponent); // −1 per lane that matches
            count = Vector.Sum(found);
        }
        for (; i < bits.Length; i++)
            if ((bits[i] & 0x7F800000) == 0x7F800000)
                count++;
        return count;
    }
}
