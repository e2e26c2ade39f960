using SuperRes.Imaging.Codecs;

namespace SuperRes.Imaging.Tests;

/// <summary>
/// Every seed of the image fuzzers and every input they ever found (tests/fuzz/seeds and tests/fuzz/regression),
/// through the decoders the harnesses call (past ImageCodec's safety net): a decoded image or an
/// ImageFormatException naming the file, nothing else.
/// </summary>
public class FuzzCorpusTests
{
    public static TheoryData<string, string> Inputs() => FuzzCorpus.Inputs("png", "jpeg", "bmp");

    [Theory]
    [MemberData(nameof(Inputs))]
    public void DecodesOrFailsCleanly(string target, string file)
    {
        string path = Path.Combine(FuzzCorpus.Root, file);
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
