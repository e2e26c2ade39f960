using System.Buffers.Binary;
using System.IO.Compression;

namespace SuperRes.Models.Tests.Serialization;

public class PyTorchZipWriteTests
{
    internal static KeyValuePair<string, HostTensor>[] SampleStateDict()
    {
        var rng = new Random(7);
        HostTensor Rand(params int[] shape)
        {
            var d = new float[HostTensor.ElementCount(shape)];
            for (int i = 0; i < d.Length; i++) d[i] = (float)(rng.NextDouble() * 2 - 1);
            return new HostTensor(shape, d);
        }
        return
        [
            new("head.0.weight", Rand(8, 3, 3, 3)),
            new("head.0.bias", Rand(8)),
            new("body.0.alpha", new HostTensor([], [0.25f])),
            new("empty", new HostTensor([0, 3], [])),
            new("five.dims", Rand(1, 2, 1, 3, 2)),
            new("big", Rand(300, 300)),          // 90,000 elements: numel needs BININT
            new("ünïcode.key", Rand(2)),
        ];
    }

    [Fact]
    public void ZipWrittenByUsReadsBackExactly()
    {
        using var tmp = new TempDir();
        string path = tmp.File("ours.pt");
        var sd = SampleStateDict();
        PyTorchZip.Write(path, sd);
        var w = WeightFiles.Load(path);
        Assert.Equal(WeightFileFormat.PyTorchZip, w.Format);
        Assert.Equal(sd.Select(s => s.Key), w.Tensors.Keys);
        foreach (var (k, t) in sd)
        {
            Assert.Equal(t.Shape, w.Tensors[k].Shape);
            Assert.Equal(t.Data, w.Tensors[k].Data);
        }
        Assert.Equal([path], Directory.GetFiles(tmp.Path));
    }

    [Fact]
    public void ZipIsDeterministicStoredAndAligned()
    {
        using var tmp = new TempDir();
        PyTorchZip.Write(tmp.File("a.pt"), SampleStateDict());
        PyTorchZip.Write(tmp.File("b.pt"), SampleStateDict());
        byte[] bytes = File.ReadAllBytes(tmp.File("a.pt"));
        Assert.Equal(bytes, File.ReadAllBytes(tmp.File("b.pt")));

        // Walk the local headers: every entry stored (method 0) with its data 64-byte aligned.
        int pos = 0, entries = 0;
        while (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(pos)) == 0x04034b50)
        {
            Assert.Equal(0, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(pos + 8)));
            int size = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(pos + 18));
            int nameLen = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(pos + 26));
            int extraLen = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(pos + 28));
            int dataAt = pos + 30 + nameLen + extraLen;
            Assert.Equal(0, dataAt % 64);
            pos = dataAt + size;
            entries++;
        }
        Assert.Equal(SampleStateDict().Length + 2, entries); // + data.pkl and version
    }

    [Theory]
    [InlineData("little", null)]
    [InlineData("big", "only little-endian checkpoints are supported")]
    public void RepackedZipWithOtherFolderCompressionAndByteOrderRecord(string byteOrder, string? error)
    {
        // torch accepts any archive folder name, deflated entries and no alignment; so do we.
        using var tmp = new TempDir();
        string path = tmp.File("repacked.pt");
        using (var src = ZipFile.OpenRead(CheckpointFixtures.PathOf("views_zip.pt")))
        using (var dst = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            foreach (var e in src.Entries)
            {
                using var from = e.Open();
                using var to = dst.CreateEntry("some_other_name/" + e.FullName[(e.FullName.IndexOf('/') + 1)..], CompressionLevel.Optimal).Open();
                from.CopyTo(to);
            }
            using var bo = new StreamWriter(dst.CreateEntry("some_other_name/byteorder").Open());
            bo.Write(byteOrder);
        }
        if (error is null)
            CheckpointFixtures.AssertMatches(CheckpointFixtures.ExpectedSet("views"), WeightFiles.Load(path).Tensors, "repacked");
        else
            Assert.Contains(error, Assert.Throws<WeightFormatException>(() => WeightFiles.Load(path)).Message);
    }
}
