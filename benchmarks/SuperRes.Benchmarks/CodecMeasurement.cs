using System.Diagnostics;
using SuperRes.Imaging;
using SuperRes.Imaging.Codecs;

namespace SuperRes.Benchmarks;

/// <summary>
/// Codec timings for docs/performance.md. <see cref="Filters"/> times the PNG encoder's filters and zlib levels on a photo-like image and prints time and file size for each, the
/// measurement behind <see cref="PngEncoder.DefaultFilter"/> and <see cref="PngEncoder.DefaultLevel"/>.
/// <c>dotnet run -c Release --project benchmarks/SuperRes.Benchmarks -- png PHOTO.png [runs]</c>: encodes the photo
/// enlarged x2 by bicubic (the size of a x2 upscale's output); best of <c>runs</c> (3) wall times.
/// </summary>
public static class CodecMeasurement
{
    public static void Filters(string photo, int runs)
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

    /// <summary>
    /// <c>-- codec PHOTO SCALE [runs]</c>: best-of-runs times of decoding the photo and of encoding a PNG (default
    /// settings) of its size × scale, i.e. the decode and encode an upscale of it does around the network.
    /// </summary>
    public static void DecodeEncode(string photo, int scale, int runs)
    {
        long decode = long.MaxValue, encode = long.MaxValue;
        Image? image = null;
        for (int run = 0; run < runs; run++)
        {
            var clock = Stopwatch.StartNew();
            image = ImageCodec.Read(photo);
            decode = Math.Min(decode, clock.ElapsedMilliseconds);
        }
        var big = Resize.Bicubic(image!, scale).Quantized();
        for (int run = 0; run < runs; run++)
        {
            var clock = Stopwatch.StartNew();
            ImageCodec.Encode(big, ImageFormat.Png);
            encode = Math.Min(encode, clock.ElapsedMilliseconds);
        }
        Console.WriteLine($"decode_ms {decode} encode_ms {encode} ({image!.Width}x{image.Height} → {big.Width}x{big.Height} PNG, load {LoadAverage()})");
    }

    /// <summary>
    /// <c>-- jpeg PHOTO [runs]</c>: the photo enlarged x2 by bicubic encoded as JPEG (default quality) whole, as
    /// <c>ImageCodec.Write</c> does, and in strips as rows arrive (<see cref="JpegStreamEncoder"/>, rows handed over 64
    /// at a time), interleaved; best and median wall times of each and the file sizes.
    /// </summary>
    public static void JpegStrips(string photo, int runs)
    {
        var image = PixelImage.FromLevels(Resize.Bicubic(ImageCodec.Read(photo), 2.0).Quantized())!;
        Console.WriteLine($"{photo} x2 by bicubic: {image.Width}x{image.Height}x{image.Channels}, {Environment.ProcessorCount} cores, load average {LoadAverage()}");
        var whole = new List<double>();
        var strips = new List<double>();
        long wholeBytes = 0, stripBytes = 0;
        for (int run = 0; run < runs; run++)
        {
            var clock = Stopwatch.StartNew();
            wholeBytes = JpegCodec.Encode(image, ImageCodec.DefaultJpegQuality).Length;
            whole.Add(clock.Elapsed.TotalMilliseconds);

            clock.Restart();
            var output = new MemoryStream();
            var encoder = new JpegStreamEncoder(output, "benchmark.jpg", image.Width, image.Height, image.Channels, image.BitDepth, ImageCodec.DefaultJpegQuality);
            for (int y = 0; y < image.Height; y += 64)
                encoder.WriteRows(image.Rows(y, Math.Min(64, image.Height - y)));
            encoder.Complete();
            strips.Add(clock.Elapsed.TotalMilliseconds);
            stripBytes = output.Length;
        }
        static string Times(List<double> ms) => $"best {ms.Min(),6:0} ms, median {ms.Order().ElementAt(ms.Count / 2),6:0} ms";
        Console.WriteLine($"whole     {Times(whole)}, {wholeBytes / 1e6:0.000} MB");
        Console.WriteLine($"in strips {Times(strips)}, {stripBytes / 1e6:0.000} MB   (load {LoadAverage()})");
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
