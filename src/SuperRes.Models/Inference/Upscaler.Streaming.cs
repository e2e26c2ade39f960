using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using SuperRes.Imaging;
using SuperRes.Models.Networks;

namespace SuperRes.Models.Inference;

/// <summary>
/// The streaming form of <see cref="Upscaler.Upscale(Image, Action?, bool)"/>: the output is assembled as integer
/// samples at the image's bit depth (<see cref="PixelImage"/>) and floats exist only per tile. The network runs tile
/// after tile while another task turns the previous tiles' outputs into samples (a bounded queue between them), so
/// colour conversion and rounding overlap the forwards. Every step is the in-memory pipeline's, per pixel in the
/// same order, and tiles on the cpu backend have the untiled bits: the samples are those of <c>Upscale</c>.
/// </summary>
public sealed partial class Upscaler
{
    // Tile outputs waiting for conversion: one being converted, one queued while the next forward runs.
    private const int QueuedBlocks = 2;

    /// <summary>
    /// Upscales <paramref name="image"/> into integer samples of its own channels and bit depth, tile by tile.
    /// Alpha and the self-ensemble take the in-memory path, whose result is then stored as samples.
    /// </summary>
    /// <exception cref="SuperResException">The network produced NaN or ±Inf.</exception>
    /// <param name="reservedHostBytes">Host memory the caller holds for this image (its planes, the encoder), taken off
    /// <see cref="UpscaleOptions.MaxMemoryBytes"/> before the tiles are planned on a host-memory device.</param>
    public PixelImage UpscaleToPixels(Image image, Action? workDone = null, long reservedHostBytes = 0)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.HasAlpha || Options.SelfEnsemble)
        {
            var levels = Upscale(image, workDone);
            var pixels = new PixelImage(levels.Width, levels.Height, levels.Channels, levels.BitDepth);
            pixels.Write(levels, 0, 0);
            return pixels;
        }
        return Network.Colors == ColorConvention.Y01 ? StreamLuma(image, workDone, reservedHostBytes) : StreamRgb(image, workDone, reservedHostBytes);
    }

    // As UpscaleRgb, per tile.
    private PixelImage StreamRgb(Image color, Action? workDone, long reserved)
    {
        float toNet = Network.Colors == ColorConvention.Rgb255 ? 255f / color.MaxValue : 1f / color.MaxValue;
        var rgb = color.Channels == 3 ? color : Image.Stack(color, color, color);
        var input = new Image(rgb.Width, rgb.Height, 3, Scaled(rgb.Data, toNet));
        float fromNet = 1f / toNet;
        return Stream(input, color, reserved, workDone, block => FromNetworkRgb(block, color, fromNet));
    }

    // As UpscaleViaLuma, per tile: Cb and Cr are enlarged by bicubic once (two float planes of the output), Y by
    // the network tile by tile, and each tile's three planes are turned into RGB and rounded.
    private PixelImage StreamLuma(Image color, Action? workDone, long reserved)
    {
        var rgb = color.Channels == 3 ? color : Image.Stack(color, color, color);
        var ycc = ColorSpace.RgbToYCbCr(rgb);
        var luma = ycc.SelectChannels(0, 1);
        var chroma = Resize.Bicubic(ycc.SelectChannels(1, 2), luma.Width * Scale, luma.Height * Scale);
        var input = Network.NeedsPreUpsampledInput ? Resize.Bicubic(luma, luma.Width * Scale, luma.Height * Scale) : luma;
        ScaleInPlace(input.Data, 1f / luma.MaxValue);
        return Stream(new Image(input.Width, input.Height, 1, input.Data), color, reserved, workDone, (block, x, y) =>
        {
            ScaleInPlace(block.Data, luma.MaxValue);
            var ycbcr = new Image(block.Width, block.Height, 3, luma.BitDepth);
            block.Data.CopyTo(ycbcr.Data, 0);
            for (int c = 1; c < 3; c++)
                for (int r = 0; r < block.Height; r++)
                    Array.Copy(chroma.Data, ((c - 1) * chroma.Height + y + r) * chroma.Width + x, ycbcr.Data, (c * block.Height + r) * block.Width, block.Width);
            ColorSpace.YCbCrToRgbInPlace(ycbcr);
            return color.Channels == 3 ? ycbcr : ycbcr.SelectChannels(0, 1);
        });
    }

    private PixelImage Stream(Image input, Image color, long reserved, Action? workDone, Func<Image, Image> toLevels) =>
        Stream(input, color, reserved, workDone, (block, _, _) => toLevels(block));

    /// <summary>
    /// Runs the tiles of <paramref name="input"/> (network convention) and, on a second task, checks each block,
    /// converts it with <paramref name="toLevels"/> (given the block's output column and row), rounds it and stores
    /// it. An error on either side stops both and is rethrown.
    /// </summary>
    private PixelImage Stream(Image input, Image color, long reserved, Action? workDone, Func<Image, int, int, Image> toLevels)
    {
        var tiled = PlanTiles(input.Channels, input.Height, input.Width, reserved);
        int s = tiled.OutputScale;
        var output = new PixelImage(input.Width * s, input.Height * s, color.Channels, color.BitDepth);
        using var queue = new BlockingCollection<(Image Block, int X, int Y)>(QueuedBlocks);
        using var stop = new CancellationTokenSource();
        var garbage = new GarbageBound(!Device.Info.IsGpu);
        var consumer = Task.Run(() =>
        {
            try
            {
                foreach (var (block, x, y) in queue.GetConsumingEnumerable(stop.Token))
                {
                    RequireFinite(block);
                    var levels = toLevels(block, x, y);
                    levels.Quantize();
                    output.Write(levels, x, y);
                    garbage.CollectWhenGrown();
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
            tiled.RunBlocks(input, (block, x, y) => queue.Add((block, x, y), stop.Token));
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
            consumer.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (forwardError is not null)
        {
        }
        if (forwardError is not null)
            ExceptionDispatchInfo.Throw(forwardError);
        ReleaseForwardMemory();
        return output;
    }

    /// <summary>
    /// Each tile leaves large arrays behind (its output, crops, converted planes), which the GC, with memory to spare,
    /// lets pile up in the large-object heap for many tiles: on a host-memory device, where the forwards share that
    /// memory, a full collection runs whenever the heap has grown by <see cref="Allowance"/> since the last one.
    /// </summary>
    private sealed class GarbageBound(bool active)
    {
        private const long Allowance = 128L << 20;
        private long _limit = GC.GetTotalMemory(false) + Allowance;

        public void CollectWhenGrown()
        {
            if (!active || GC.GetTotalMemory(false) <= _limit)
                return;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false);
            _limit = GC.GetTotalMemory(false) + Allowance;
        }
    }

    private void RequireFinite(Image block)
    {
        int bad = block.Data.Count(x => !float.IsFinite(x));
        if (bad > 0)
            throw new SuperResException($"the {Network.Architecture} network produced {bad} non-finite value(s) (NaN or ±Inf) in a tile of {block.Data.Length}: " +
                                        "its weights or the input are broken (or the device miscomputed); no image was written");
    }
}
