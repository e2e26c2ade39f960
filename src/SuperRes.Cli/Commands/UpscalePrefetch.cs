using SuperRes.Imaging;
using SuperRes.Models.Inference;

namespace SuperRes.Cli.Commands;

/// <summary>
/// The first image of an <c>upscale</c> run, read on the thread pool while the device is found and opened and the
/// weights load (finding devices starts every OpenCL driver: PoCL alone takes 0.1–0.2 s, mostly waiting); a PNG's rows
/// then go on decoding on a thread of their own while the first tiles run (<see cref="DecodingImage"/>). Started
/// only when the decoded samples alone fit the memory limit, so nothing beyond it is allocated before the image's full
/// check; a file that cannot be read fails when its job takes it, with the error it would have given anyway.
/// </summary>
internal sealed class UpscalePrefetch
{
    private string? _file;
    private Task<IImageSource>? _decoding;

    private UpscalePrefetch(string file, Task<IImageSource> decoding) => (_file, _decoding) = (file, decoding);

    /// <summary>Starts decoding <paramref name="file"/>, or returns null when its header is unreadable or its samples exceed the limit.</summary>
    public static UpscalePrefetch? Start(string file, long limitBytes, PhaseTimings? timings)
    {
        ImageHeader header;
        try
        {
            header = ImageHeader.Read(file);
        }
        catch (Exception e) when (CommandActions.IsUserFacing(e))
        {
            return null; // reported by the job, in order
        }
        if (UpscaleMemory.DecodingBytes(header) > limitBytes)
            return null;
        return new UpscalePrefetch(file, Task.Run(() =>
        {
            using (timings.Time("read the first input (a PNG's rows then decode beside the device, weights and first tiles)"))
                return ImageCodec.StartReadingSamples(file);
        }));
    }

    /// <summary>Lets the prefetch go without waiting for it (its job failed before decoding).</summary>
    public void Forget() => (_file, _decoding) = (null, null);

    /// <summary>
    /// The decoded samples of <paramref name="file"/> if this is its prefetch (waiting for the decode; its error is
    /// thrown here), else null. Either way the prefetch is let go: a batch does not keep the first image alive.
    /// </summary>
    public IImageSource? Take(string file)
    {
        var (mine, decoding) = (_file, _decoding);
        Forget();
        return mine == file && decoding is not null ? decoding.GetAwaiter().GetResult() : null;
    }
}
