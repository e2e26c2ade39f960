using SuperRes.Imaging.Codecs;

namespace SuperRes.Imaging.Tests;

/// <summary>
/// Every seed of the image fuzzers and every input they ever found (tests/fuzz/seeds and tests/fuzz/regression),
/// through the decoders the harnesses call (past ImageCodec's safety net): a decoded image or an
/// ImageFormatException naming the file, nothing else.
/// </summary>
public class FuzzCorpusTests
{
    private static readonly string Fuzz = Path.Combine(TestPaths.RepoRoot, "tests", "fuzz");

    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        foreach (string target in new[] { "png", "jpeg", "bmp" })
            foreach (string kind in new[] { "seeds", "regression" })
            {
                string dir = Path.Combine(Fuzz, kind, target);
                if (!Directory.Exists(dir)) continue;
                foreach (string file in Directory.GetFiles(dir).Order())
                    data.Add(target, Path.GetRelativePath(Fuzz, file));
            }
        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void DecodesOrFailsCleanly(string target, string file)
    {
        string path = Path.Combine(Fuzz, file);
        byte[] bytes = File.ReadAllBytes(path);
        try
        {
            _ = target switch
            {
                "png" => PngDecoder.Decode(bytes, path),
                "jpeg" => JpegCodec.Decode(bytes, path),
                _ => BmpCodec.Decode(bytes, path),
            };
        }
        catch (ImageFormatException ex)
        {
            Assert.StartsWith(path + ": ", ex.Message);
        }
    }
}
