using System.Diagnostics;
using SuperRes.Imaging;
using SuperRes.Imaging.Codecs;

namespace SuperRes.Benchmarks;

/// <summary>
/// Times the PNG encoder's filters and zlib levels on a photo-like image and prints time and file size for each, the
/// measurement behind <see cref="PngEncoder.DefaultFilter"/> and <see cref="PngEncoder.DefaultLevel"/>.
/// <c>dotnet run -c Release --project benchmarks/SuperRes.Benchmarks -- png PHOTO.png [runs]</c>: encodes the photo
/// enlarged x2 by bicubic (the size of a x2 upscale's output); best of <c>runs</c> (3) wall times.
/// </summary>
public static class PngEncoderMeasurement
{
    public static void Run(string photo, int runs)
    {
        var image = Resize.Bicubic(ImageCodec.Read(photo), 2.0).Quantized();
        Console.WriteLine($"{photo} x2 by bicubic: {image.Width}x{image.Height}x{image.Channels}, {Environment.ProcessorCount} cores, load average {LoadAverage()}");
        Console.WriteLine("filter    level  best ms   MB");
        foreach (var filter in Enum.GetValues<PngFilter>())
            foreach (int level in new[] { 1, 3, 6, 9 })
            {
                long best = long.MaxValue;
                int size = 0;
                for (int run = 0; run < runs; run++)
                {
                    var clock = Stopwatch.StartNew();
                    size = PngEncoder.Encode(image, level, filter).Length;
                    best = Math.Min(best, clock.ElapsedMilliseconds);
                }
                Console.WriteLine($"{filter,-9} {level,5} {best,8} {size / 1e6,6:0.00}   (load {LoadAverage()})");
            }
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
