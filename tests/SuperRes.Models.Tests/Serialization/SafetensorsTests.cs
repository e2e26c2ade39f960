using System.Text;

namespace SuperRes.Models.Tests.Serialization;

public class SafetensorsTests
{
    private static readonly KeyValuePair<string, HostTensor>[] Sample =
    [
        new("z.last.weight", new HostTensor([2, 3], [1, -2, 3.5f, float.NaN, float.NegativeInfinity, -0f])),
        new("a.first.bias", new HostTensor([3], [0.1f, 0.2f, 0.3f])),
        new("scalar", new HostTensor([], [42f])),
        new("empty", new HostTensor([0, 4], [])),
    ];

    [Fact]
    public void RoundTripKeepsOrderShapesBitsAndMetadata()
    {
        using var tmp = new TempDir();
        string path = tmp.File("w.safetensors");
        Safetensors.Write(path, Sample, new Dictionary<string, string> { ["format"] = "pt", ["scale"] = "2" });
        var w = Safetensors.Read(path);
        Assert.Equal(Sample.Select(s => s.Key), w.Tensors.Keys);
        foreach (var (k, t) in Sample)
        {
            Assert.Equal(t.Shape, w.Tensors[k].Shape);
            Assert.Equal(t.Data.Select(BitConverter.SingleToInt32Bits), w.Tensors[k].Data.Select(BitConverter.SingleToInt32Bits));
        }
        Assert.Equal("pt", w.Metadata["format"]);
        Assert.Equal("2", w.Metadata["scale"]);
        Assert.Equal(WeightFileFormat.Safetensors, WeightFiles.Load(path).Format);

        // Header padded so the data starts 8-byte aligned.
        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal(0, (8 + (long)BitConverter.ToUInt64(bytes)) % 8);
    }

    [Fact]
    public void WriteReplacesAtomicallyAndLeavesNoTemporaryFiles()
    {
        using var tmp = new TempDir();
        string path = tmp.File("w.safetensors");
        File.WriteAllText(path, "old content");
        Safetensors.Write(path, Sample);
        Assert.Equal(4, Safetensors.Read(path).Tensors.Count);
        Assert.Equal([path], Directory.GetFiles(tmp.Path));
        // A failing write (bad name) leaves the existing file untouched.
        Assert.Throws<ArgumentException>(() => Safetensors.Write(path, [new("__metadata__", Sample[1].Value)]));
        Assert.Equal(4, Safetensors.Read(path).Tensors.Count);
        Assert.Throws<ArgumentException>(() => Safetensors.Write(path, [Sample[1], Sample[1]]));
    }

    [Fact]
    public void HostTensorChecksDataAgainstShape()
    {
        Assert.Throws<ArgumentException>(() => new HostTensor([2, 2], new float[3]));
        Assert.Throws<ArgumentException>(() => new HostTensor([-1], []));
        Assert.Single(new HostTensor([], [1f]).Data);
    }

    public static TheoryData<string, string, string> BadHeaders() => new()
    {
        { "{\"a\":", "F32x4", "header is not valid JSON" },
        { "[1,2]", "F32x4", "header JSON is not an object" },
        { "{\"w\":{\"dtype\":\"F8_E9M9\",\"shape\":[1],\"data_offsets\":[0,1]}}", "F32x4", "tensor 'w': unsupported dtype 'F8_E9M9'" },
        { "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,32]}}", "F32x4", "tensor 'w': data_offsets [0, 32] run past the data section (16 bytes)" },
        { "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,16]}}", "F32x4", "tensor 'w': data_offsets [0, 16] span 16 bytes but F32[3] needs 12" },
        { "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", "F32x4", "tensor 'w': data_offsets [8, 0] run backwards" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", "F32x4", "tensor 'b' (bytes 8..16) overlaps tensor 'a' (bytes 0..12)" },
        { "{\"w\":{\"dtype\":\"F32\",\"shape\":[-4],\"data_offsets\":[0,16]}}", "F32x4", "tensor 'w': shape entry -4 is not a non-negative int" },
        { "{\"w\":{\"dtype\":\"F32\",\"shape\":[4]}}", "F32x4", "tensor 'w': data_offsets must be [begin, end]" },
        { "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", "F32x4", "header lists 'w' twice" },
        { "{\"__metadata__\":{\"epoch\":3}}", "", "__metadata__ value of 'epoch' is not a string" },
    };

    [Theory]
    [MemberData(nameof(BadHeaders))]
    public void MalformedHeadersAreRefusedNamingTheProblem(string header, string data, string expected)
    {
        using var tmp = new TempDir();
        string path = tmp.File("bad.safetensors");
        byte[] h = Encoding.UTF8.GetBytes(header);
        byte[] d = data == "F32x4" ? new byte[16] : [];
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((ulong)h.Length), .. h, .. d]);
        var ex = Assert.Throws<WeightFormatException>(() => Safetensors.Read(path));
        Assert.StartsWith(path + ": ", ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void TooShortFileIsRefused()
    {
        using var tmp = new TempDir();
        File.WriteAllBytes(tmp.File("s.safetensors"), [1, 2, 3]);
        Assert.Contains("shorter than the 8-byte header length",
            Assert.Throws<WeightFormatException>(() => Safetensors.Read(tmp.File("s.safetensors"))).Message);
    }
}
