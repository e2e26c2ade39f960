using Spectre.Console;
using SuperRes.Imaging;
using SuperRes.Models.Inference;
using SuperRes.Models.Networks;

namespace SuperRes.Cli.Commands;

/// <summary>How the outputs of an <c>upscale</c> run are written and which limits apply to each image.</summary>
internal sealed record UpscaleWriting(bool SkipExisting, int JpegQuality, int PngCompression, (long Bytes, string Source) MemoryLimit);

/// <summary>
/// Runs the jobs of an <c>upscale</c> run one image at a time: a file that cannot be read, afforded or written is
/// reported and the run goes on; the failures are listed again at the end and make the exit code 1. On a terminal an
/// overall bar counts images and a second one the current image's tiles.
/// </summary>
internal static class UpscaleBatch
{
    public static int Run(CliContext context, Upscaler upscaler, IReadOnlyList<UpscaleJob> jobs, UpscaleWriting writing, UpscalePrefetch? prefetch = null)
    {
        var failures = new List<string>();
        int skipped = 0, written = 0;
        bool luma = upscaler.Network.Colors == ColorConvention.Y01;
        WithProgress(context, jobs.Count, progress =>
        {
            foreach (var job in jobs)
            {
                string name = Path.GetFileName(job.Input);
                if (writing.SkipExisting && File.Exists(job.Output))
                {
                    skipped++;
                    context.Out.MarkupLine($"{Markup.Escape(job.Input)}: skipped, {Markup.Escape(job.Output)} exists");
                    progress.ImageDone();
                    continue;
                }
                try
                {
                    ImageHeader header;
                    long reserved;
                    using (upscaler.Options.Timings.Time("read the header, check memory"))
                    {
                        header = ImageHeader.Read(job.Input);
                        var work = new UpscaleWork(upscaler.Scale, luma, upscaler.Network.NeedsPreUpsampledInput,
                            Streamed: upscaler.Streams(header.Channels));
                        reserved = UpscaleMemory.Check(job.Input, header, work, job.Format, writing.MemoryLimit);
                    }
                    var (width, height) = UpscaleFile(upscaler, job, writing, name, reserved, progress, prefetch);
                    written++;
                    context.Out.MarkupLine($"{Markup.Escape(job.Input)} ({width}x{height}) → {Markup.Escape(job.Output)} ({width * upscaler.Scale}x{height * upscaler.Scale})");
                }
                catch (Exception e) when (CommandActions.IsUserFacing(e) || e is NotSupportedException)
                {
                    prefetch?.Forget(); // refused before decoding: its prefetched samples go too
                    // One bad file must not cost the rest of the batch. Image errors already start with the path.
                    string message = e.Message.Contains(job.Input, StringComparison.Ordinal) ? e.Message : $"{job.Input}: {e.Message}";
                    failures.Add(message);
                    context.WriteError(message);
                }
                progress.ImageDone();
            }
        });
        if (jobs.Count > 1 || skipped > 0)
            context.Out.MarkupLine(Markup.Escape($"{written} written, {skipped} skipped (output exists), {failures.Count} failed, of {jobs.Count} image(s)"));
        if (failures.Count == 0)
            return ExitCodes.Ok;
        context.WriteError($"{failures.Count} of {jobs.Count} image(s) failed:");
        foreach (var failure in failures)
            context.Err.MarkupLine($"  {Markup.Escape(failure)}");
        return ExitCodes.Failure;
    }

    /// <summary>
    /// Decodes one file to its samples (a PNG's rows while its first tiles run) and upscales it into its output file, which is encoded as the rows come and
    /// appears only once complete (an error leaves no file behind).
    /// </summary>
    private static (int Width, int Height) UpscaleFile(Upscaler upscaler, UpscaleJob job, UpscaleWriting writing, string name, long reserved,
        IProgress progress, UpscalePrefetch? prefetch)
    {
        var timings = upscaler.Options.Timings;
        // The forward's memory model (a cache file read, else probe passes) needs no pixels: it is found while the
        // prefetch still decodes, not after. A given tile size plans without it.
        if (upscaler.Options.Tile is null)
            using (timings.Time("find the memory model (beside the decode)"))
                upscaler.ForwardMemoryOf(upscaler.Network.Colors == ColorConvention.Y01 ? 1 : 3);
        IImageSource image;
        using (timings.Time("decode the input"))
            image = prefetch?.Take(job.Input) ?? ImageCodec.StartReadingSamples(job.Input);
        progress.BeginImage(name, () => upscaler.WorkUnits(image, reserved));
        ImageRowSink output;
        using (timings.Time("open the output"))
            output = ImageCodec.CreateWriter(job.Output, image.Width * upscaler.Scale, image.Height * upscaler.Scale, image.Channels,
                image.BitDepth, job.Format, writing.JpegQuality, writing.PngCompression);
        using (output)
        using (timings.Time("upscale (tiles, conversion, encode)"))
            upscaler.UpscaleTo(image, output, progress.Tile, reserved);
        return (image.Width, image.Height);
    }

    /// <summary>What the loop reports to the progress display.</summary>
    private interface IProgress
    {
        /// <summary>A new image; <paramref name="tiles"/> counts its tile forwards (planning them: asked only by a bar).</summary>
        void BeginImage(string name, Func<int> tiles);
        void Tile();
        void ImageDone();
    }

    private sealed class NoProgress : IProgress
    {
        public void BeginImage(string name, Func<int> tiles) { }
        public void Tile() { }
        public void ImageDone() { }
    }

    private sealed class Bars(ProgressTask overall, ProgressTask image) : IProgress
    {
        public void BeginImage(string name, Func<int> tiles)
        {
            image.Description = Markup.Escape(name);
            image.Value = 0;
            image.MaxValue = Math.Max(1, tiles());
        }

        public void Tile() => image.Increment(1);

        public void ImageDone()
        {
            overall.Increment(1);
            image.Value = image.MaxValue;
        }
    }

    private static void WithProgress(CliContext context, int images, Action<IProgress> work)
    {
        if (!context.Out.Profile.Capabilities.Interactive)
        {
            work(new NoProgress());
            return;
        }
        context.Out.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var overall = ctx.AddTask("images", maxValue: images);
                var image = ctx.AddTask("tiles", maxValue: 1);
                work(new Bars(overall, image));
            });
    }
}
