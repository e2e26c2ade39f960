namespace SuperRes.Models.Tests.Serialization;

public class FixtureLoadTests
{
    public static TheoryData<string> Files() => new(CheckpointFixtures.Cases().Select(c => c.File));

    [Theory]
    [MemberData(nameof(Files))]
    public void EveryFixtureLoadsWithExactValues(string file)
    {
        var c = CheckpointFixtures.Cases().Single(x => x.File == file);
        var w = WeightFiles.Load(CheckpointFixtures.PathOf(file));
        CheckpointFixtures.AssertMatches(CheckpointFixtures.ExpectedSet(c.Set), w.Tensors, file);
        var format = file.EndsWith(".safetensors") ? WeightFileFormat.Safetensors
            : file.EndsWith("_zip.pt") ? WeightFileFormat.PyTorchZip : WeightFileFormat.PyTorchLegacy;
        Assert.Equal(format, w.Format);
        if (c.Metadata is { } meta)
            foreach (var p in meta.EnumerateObject()) Assert.Equal(p.Value.GetString(), w.Metadata[p.Name]);
    }

    [Theory]
    [InlineData("basic_zip.pt")]
    [InlineData("views_legacy.pt")]
    public void FormatSpecificReadersAgreeWithLoad(string file)
    {
        string path = CheckpointFixtures.PathOf(file);
        var direct = file.Contains("_zip") ? PyTorchZip.Read(path) : PyTorchLegacy.Read(path);
        var loaded = WeightFiles.Load(path);
        Assert.Equal(loaded.Tensors.Keys, direct.Tensors.Keys);
        foreach (var (k, t) in loaded.Tensors) Assert.Equal(t.Data, direct.Tensors[k].Data);
    }

    [Theory]
    [InlineData("nested_state_dict_zip.pt")]
    [InlineData("nested_state_dict_legacy.pt")]
    public void ScalarTopLevelEntriesBecomeMetadata(string file)
    {
        var w = WeightFiles.Load(CheckpointFixtures.PathOf(file));
        Assert.Equal("7", w.Metadata["epoch"]);
        Assert.Equal("37.5", w.Metadata["best_psnr"]);
        Assert.Equal("edsr", w.Metadata["arch"]);
    }

    [Fact]
    public void IntegerTensorsAreKeptAsFloat32()
    {
        var w = WeightFiles.Load(CheckpointFixtures.PathOf("dtypes_zip.pt"));
        Assert.Equal([12345f], w.Tensors["bn.num_batches_tracked"].Data);
        Assert.Empty(w.Tensors["bn.num_batches_tracked"].Shape);
        Assert.Equal([1f, 0f, 1f], w.Tensors["mask"].Data);
    }

    [Fact]
    public void ModulePrefixIsStrippedOnlyWhenEveryKeyHasIt()
    {
        var w = WeightFiles.Load(CheckpointFixtures.PathOf("module_prefix_legacy.pt"));
        Assert.Equal(["conv.weight", "conv.bias"], w.Tensors.Keys);

        using var tmp = new TempDir();
        var t = new HostTensor([1], [1f]);
        Safetensors.Write(tmp.File("mixed.safetensors"), [new("module.a", t), new("b", t)]);
        Assert.Equal(["module.a", "b"], WeightFiles.Load(tmp.File("mixed.safetensors")).Tensors.Keys);
        Safetensors.Write(tmp.File("all.safetensors"), [new("module.a", t), new("module.b", t)]);
        Assert.Equal(["a", "b"], WeightFiles.Load(tmp.File("all.safetensors")).Tensors.Keys);
        // Safetensors.Read itself reports keys exactly as stored.
        Assert.Equal(["module.a", "module.b"], Safetensors.Read(tmp.File("all.safetensors")).Tensors.Keys);
    }
}
