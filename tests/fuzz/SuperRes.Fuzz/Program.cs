using SharpFuzz;
using SuperRes;
using SuperRes.Imaging;
using SuperRes.Imaging.Codecs;
using SuperRes.Models.Serialization;

namespace SuperRes.Fuzz;

/// <summary>
/// AFL++ harnesses: <c>SuperRes.Fuzz TARGET</c> under afl-fuzz, or <c>SuperRes.Fuzz TARGET --replay PATH...</c>
/// to run files (or every file in folders) once each, outside AFL. A harness may end in a clean decode or a
/// <see cref="SuperResException"/> (the engine's one error root); any other exception is a finding: it
/// escapes, so AFL records the input as a crash (and --replay exits 1). Stack overflows and hangs AFL sees itself.
/// </summary>
public static class Program
{
    private static readonly Dictionary<string, Action<byte[]>> Targets = new(StringComparer.Ordinal)
    {
        // The image decoders are called directly, past ImageCodec's safety net that turns an
        // IndexOutOfRange into an ImageFormatException: a fuzzer must see such slips.
        ["png"] = data => PngDecoder.Decode(data, "fuzz.png"),
        ["jpeg"] = data => JpegCodec.Decode(data, "fuzz.jpg"),
        ["bmp"] = data => BmpCodec.Decode(data, "fuzz.bmp"),
        ["pickle"] = data => BarePickle.Load(data, "fuzz.pkl"),
        ["zip"] = data => WithFile(data, PyTorchZip.Read),
        ["legacy"] = data => WithFile(data, PyTorchLegacy.Read),
        ["safetensors"] = data => WithFile(data, Safetensors.Read),
    };

    public static int Main(string[] args)
    {
        if (args.Length == 0 || !Targets.TryGetValue(args[0], out var target))
        {
            Console.Error.WriteLine($"usage: SuperRes.Fuzz <{string.Join("|", Targets.Keys)}> [--replay FILE|DIR...]");
            return 2;
        }
        if (args.Length > 1 && args[1] == "--replay") return Replay(target, args[2..]);
        // Instrumented code may only run inside Fuzzer.Run, which sets up AFL's coverage map first.
        Fuzzer.Run(stream =>
        {
            using var ms = new MemoryStream();
            stream.CopyTo(ms);
            RunExpectingOnlyEngineErrors(target, ms.ToArray());
        });
        return 0;
    }

    private static void RunExpectingOnlyEngineErrors(Action<byte[]> target, byte[] data, bool verbose = false)
    {
        // A 4-megapixel cap keeps each execution small; the limit check itself is what is exercised.
        ImageLimits.MaxPixels = 4L << 20;
        try { target(data); }
        catch (SuperResException ex) // a clean, expected refusal
        {
            if (verbose) Console.WriteLine($"  refused: {ex.Message}");
        }
    }

    private static int Replay(Action<byte[]> target, string[] paths)
    {
        var files = paths.SelectMany(p => Directory.Exists(p) ? Directory.GetFiles(p, "*", SearchOption.AllDirectories) : [p]).Order().ToList();
        bool verbose = Environment.GetEnvironmentVariable("FUZZ_VERBOSE") == "1";
        int failures = 0;
        foreach (var file in files)
        {
            try
            {
                RunExpectingOnlyEngineErrors(target, File.ReadAllBytes(file), verbose);
            }
            catch (Exception ex)
            {
                failures++;
                Console.Error.WriteLine($"{file}: {ex.GetType().Name}: {ex.Message}");
            }
        }
        Console.WriteLine($"{files.Count - failures} passed, {failures} failed");
        return failures == 0 ? 0 : 1;
    }

    /// <summary>The loaders read files by path: each input goes to one scratch file per process (in /dev/shm when there is one).</summary>
    private static readonly string Scratch = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"superres-fuzz-{Environment.ProcessId}.bin");

    private static void WithFile(byte[] data, Func<string, WeightFile> load)
    {
        File.WriteAllBytes(Scratch, data);
        load(Scratch);
    }
}
