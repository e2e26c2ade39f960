using SuperRes.Models.Tests.Serialization;

namespace SuperRes.Models.Tests.Weights;

/// <summary>NetworkWeights: loading by metadata or by name, strict and non-strict, scale transfer, saving.</summary>
[Collection(NetworkCollection.Name)]
public sealed class NetworkWeightsTests(ITestOutputHelper output)
{
    private static Device Cpu => TestDevices.Cpu;

    private static string Fixture(string name) => ModelFixtures.PathOf(name);

    /// <summary>A small configuration of every zoo network (name, scale, options).</summary>
    public static TheoryData<string, int, string> SmallNetworks() => new()
    {
        { "edsr-baseline", 2, "blocks=1,features=4" },
        { "edsr", 3, "blocks=2,features=4,res_scale=0.5" },
        { "mdsr-baseline", 3, "blocks=1,features=4" },
        { "mdsr", 4, "blocks=1,features=4" },
        { "msrn", 4, "blocks=1,features=4" },
        { "rcan", 2, "groups=1,blocks=2,features=4,reduction=2" },
        { "fsrcnn", 2, "d=6,s=3,m=1,padding=replicate" },
        { "srcnn", 3, "features=4,features2=2" },
        { "srresnet", 2, "blocks=1,features=4" },
    };

    [Theory]
    [MemberData(nameof(SmallNetworks))]
    public void SafetensorsWeWriteRoundTripWithoutArguments(string model, int scale, string options)
    {
        using var tmp = new TempDir();
        string path = tmp.File("net.safetensors");
        Init.Seed(11);
        using var original = ModelZoo.Create(Cpu, model, scale, ModelOptions.Parse(options));
        NetworkWeights.SaveSafetensors(original, path);

        var meta = WeightFiles.Load(path).Metadata;
        Assert.Equal(model, meta["architecture"]);
        Assert.Equal(scale.ToString(System.Globalization.CultureInfo.InvariantCulture), meta["scale"]);
        Assert.Equal(original.Colors.ToString(), meta["colors"]);
        foreach (var (k, v) in ModelOptions.Parse(options).Values)
            Assert.Equal(v, meta["config." + k]);

        var (loaded, report) = NetworkWeights.Load(Cpu, path);
        using var _ = loaded;
        Assert.True(report.IsComplete, report.Describe());
        Assert.Equal(original.GetType(), loaded.GetType());
        Assert.Equal(model, loaded.Architecture);
        Assert.Equal(scale, loaded.Scale);
        Assert.Equal(original.Options.ToString(), loaded.Options.ToString());
        Assert.False(loaded.Training);
        AssertSameState(original.StateDict(), loaded.StateDict());
    }

    [Theory]
    [MemberData(nameof(SmallNetworks))]
    public void PyTorchZipWeWriteLoadsBackByName(string model, int scale, string options)
    {
        using var tmp = new TempDir();
        string path = tmp.File("net.pt");
        Init.Seed(12);
        using var original = ModelZoo.Create(Cpu, model, scale, ModelOptions.Parse(options));
        NetworkWeights.SavePyTorch(original, path);
        Assert.Equal(WeightFileFormat.PyTorchZip, WeightFiles.Load(path).Format);
        var (loaded, report) = NetworkWeights.Load(Cpu, path, model, scale, ModelOptions.Parse(options));
        using var _ = loaded;
        Assert.True(report.IsComplete, report.Describe());
        AssertSameState(original.StateDict(), loaded.StateDict());
    }

    /// <summary>Our .pt loads into the reference PyTorch definition (make_model_fixtures.py) with strict=True.</summary>
    [TorchFact]
    public void PyTorchZipWeWriteLoadsStrictlyIntoTheReferenceDefinition()
    {
        TorchPython.Require();
        using var tmp = new TempDir();
        var cases = new List<string>();
        int i = 0;
        foreach (var row in SmallNetworks())
        {
            string model = (string)row[0], options = (string)row[2];
            int scale = (int)row[1];
            string path = tmp.File($"net{i++}.pt");
            using var net = ModelZoo.Create(Cpu, model, scale, ModelOptions.Parse(options));
            NetworkWeights.SavePyTorch(net, path);
            cases.Add($"{path}|{model}|{scale}|{options}");
        }
        const string script = """
            import sys, torch
            sys.path.insert(0, sys.argv[1])
            import make_model_fixtures as m
            def value(v):
                try: return int(v)
                except ValueError:
                    try: return float(v)
                    except ValueError: return v
            for case in sys.argv[2:]:
                path, arch, scale, options = case.split("|")
                opts = dict((k, value(v)) for k, v in (o.split("=") for o in options.split(",")))
                model = m.build(arch, int(scale), opts)
                sd = torch.load(path)
                model.load_state_dict(sd, strict=True)
                assert list(sd) == [k for k in model.state_dict() if not k.endswith("num_batches_tracked")], arch
                print(arch, "ok", len(sd))
            """;
        string fixturesDir = Path.GetDirectoryName(ModelFixtures.Dir)!;
        output.WriteLine(TorchPython.RunOrFail(script, [fixturesDir, .. cases]));
    }

    [Fact]
    public void PyTorchFileWithoutModelOrScaleFailsNamingTheFile()
    {
        string path = Fixture("edsr_x2_zip.pt");
        var ex = Assert.Throws<SuperResException>(() => NetworkWeights.Load(Cpu, path));
        Assert.Contains(path, ex.Message);
        Assert.Contains("--model", ex.Message);

        ex = Assert.Throws<SuperResException>(() => NetworkWeights.Load(Cpu, path, "edsr", options: ModelOptions.Parse("blocks=2,features=8")));
        Assert.Contains(path, ex.Message);
        Assert.Contains("--scale", ex.Message);

        ex = Assert.Throws<SuperResException>(() => NetworkWeights.Load(Cpu, Fixture("edsr_x2_legacy.pt"), "no-such-net", 2));
        Assert.Contains("no model 'no-such-net'", ex.Message);
    }

    [Fact]
    public void MdsrCheckpointWithoutScaleDefaultsToX2AndHoldsEveryScale()
    {
        var w = ModelFixtures.Weights["mdsr"];
        var (net, report) = NetworkWeights.Load(Cpu, Fixture(w.Files[0]), w.Architecture, options: ModelOptions.Parse(w.Options));
        using var _ = net;
        Assert.True(report.IsComplete, report.Describe());
        Assert.Equal(2, net.Scale);
        var keys = net.StateDict().Keys.ToList();
        foreach (int branch in new[] { 0, 1, 2 })
        {
            Assert.Contains(keys, k => k.StartsWith($"pre_process.{branch}.", StringComparison.Ordinal));
            Assert.Contains(keys, k => k.StartsWith($"upsample.{branch}.", StringComparison.Ordinal));
        }
        // The same file serves x4 (its branch is not in the fixture's cases, but its weights are).
        var (x4, report4) = NetworkWeights.Load(Cpu, Fixture(w.Files[2]), scale: 4);
        using var __ = x4;
        Assert.True(report4.IsComplete);
        using var input = Tensor.Zeros(Cpu, new Shape(1, 3, 3, 4));
        using (Tape.NoGrad())
        using (var y = x4.Forward(input))
            Assert.Equal(new[] { 1, 3, 12, 16 }, y.Shape.Dims.ToArray());
    }

    [Fact]
    public void ModelThatContradictsTheMetadataIsRefused()
    {
        string path = Fixture("edsr_x2.safetensors");
        var ex = Assert.Throws<SuperResException>(() => NetworkWeights.Load(Cpu, path, "rcan"));
        Assert.Contains(path, ex.Message);
        Assert.Contains("edsr", ex.Message);
    }

    /// <summary>Strict loading reports every missing, unexpected and mismatched key at once.</summary>
    [Fact]
    public void StrictLoadingListsEveryProblemAtOnce()
    {
        using var tmp = new TempDir();
        string path = tmp.File("broken.safetensors");
        var source = WeightFiles.Load(Fixture("edsr_x2.safetensors"));
        var tensors = new List<KeyValuePair<string, HostTensor>>();
        foreach (var (k, t) in source.Tensors)
        {
            if (k is "body.0.body.2.bias" or "tail.1.weight")
                continue;                                                   // missing
            if (k == "head.0.bias")
                tensors.Add(new(k, new HostTensor([9], new float[9])));     // shape mismatch (8 in the network)
            else
                tensors.Add(new(k, t));
        }
        tensors.Add(new("body.9.body.0.weight", new HostTensor([2, 2], new float[4])));   // unexpected
        Safetensors.Write(path, tensors, source.Metadata);

        var ex = Assert.Throws<StateDictMismatchException>(() => NetworkWeights.Load(Cpu, path));
        output.WriteLine(ex.Message);
        Assert.Contains(path, ex.Message);
        Assert.Equal(["body.0.body.2.bias", "tail.1.weight"], ex.Report.Missing.Select(FirstWord).ToArray());
        Assert.Equal(["body.9.body.0.weight"], ex.Report.Unexpected.Select(FirstWord).ToArray());
        Assert.Equal(["head.0.bias:"], ex.Report.ShapeMismatches.Select(FirstWord).ToArray());
        foreach (string key in new[] { "body.0.body.2.bias", "tail.1.weight", "body.9.body.0.weight", "head.0.bias" })
            Assert.Contains(key, ex.Message);

        // Non-strict loads everything else and says what it skipped.
        Init.Seed(3);
        var (net, report) = NetworkWeights.Load(Cpu, path, strict: false);
        using var _ = net;
        Assert.False(report.IsComplete);
        Assert.Equal(2, report.Missing.Count);
        Assert.Single(report.Unexpected);
        Assert.Single(report.ShapeMismatches);
        var state = net.StateDict();
        Assert.Equal(state.Count - 3, report.Loaded.Count);
        foreach (string k in report.Loaded)
            Assert.True(state[k].Data.AsSpan().SequenceEqual(source.Tensors[k].Data), $"{k} was not loaded");
        foreach (string k in new[] { "body.0.body.2.bias", "tail.1.weight", "head.0.bias" })
            Assert.False(state[k].Data.AsSpan().SequenceEqual(source.Tensors[k].Data.AsSpan(0, state[k].Data.Length)), $"{k} should keep its initialisation");
        Assert.Contains("missing keys (2)", report.Describe());
    }

    /// <summary>
    /// EDSR-PyTorch's recipe: a x2 model initialises x3 and x4 models. Loading non-strict, everything but the
    /// upsampler comes from the checkpoint (x3: the F→9F conv has another shape; x4: its second stage is new).
    /// </summary>
    [Theory]
    [InlineData(3, new string[0], new[] { "tail.0.0.weight", "tail.0.0.bias" })]
    [InlineData(4, new[] { "tail.0.2.weight", "tail.0.2.bias" }, new string[0])]
    public void X2CheckpointInitialisesALargerScaleExceptTheUpsampler(int scale, string[] missing, string[] mismatched)
    {
        string path = Fixture("edsr_x2.safetensors");
        var strictError = Assert.Throws<StateDictMismatchException>(() => NetworkWeights.Load(Cpu, path, scale: scale));
        Assert.Contains("non-strict", strictError.Message);
        Assert.Contains("the file is x2", strictError.Message);

        var (net, report) = NetworkWeights.Load(Cpu, path, scale: scale, strict: false);
        using var _ = net;
        Assert.Equal(scale, net.Scale);
        Assert.Equal("blocks=2,features=8", net.Options.ToString());
        Assert.Equal(missing, report.Missing.Select(FirstWord).ToArray());
        Assert.Empty(report.Unexpected);
        Assert.Equal(mismatched, report.ShapeMismatches.Select(s => FirstWord(s).TrimEnd(':')).ToArray());
        var file = WeightFiles.Load(path).Tensors;
        var state = net.StateDict();
        Assert.Equal(state.Count - missing.Length - mismatched.Length, report.Loaded.Count);
        foreach (string k in report.Loaded)
            Assert.True(state[k].Data.AsSpan().SequenceEqual(file[k].Data), k);
        Assert.All(report.Loaded.Concat(missing).Concat(mismatched).Where(k => !file.ContainsKey(k) || !report.Loaded.Contains(k)),
            k => Assert.StartsWith("tail.0.", k));
    }

    /// <summary>A nested {'state_dict': {'module.…': …}, 'epoch': …} training checkpoint loads and runs like the plain one.</summary>
    [Fact]
    public void WrappedCheckpointWithModulePrefixesLoadsEndToEnd()
    {
        var c = ModelFixtures.Case("edsr_x2");
        string path = Fixture(ModelFixtures.Root.GetProperty("wrapped").GetProperty("file").GetString()!);
        Assert.Equal("300", WeightFiles.Load(path).Metadata["epoch"]);
        var (net, report) = NetworkWeights.Load(Cpu, path, "edsr", 2, ModelOptions.Parse(c.Weights.Options));
        using var _ = net;
        Assert.True(report.IsComplete, report.Describe());
        var io = ModelFixtures.Io(c);
        using var x = ModelFixtures.ToDevice(Cpu, io["input"]);
        using (Tape.NoGrad())
        using (var y = net.Forward(x))
            ModelFixtures.AssertClose(y, io["output"], 1e-4, "wrapped edsr_x2 output");
    }

    [Fact]
    public void SaveChoosesTheFormatByExtension()
    {
        using var tmp = new TempDir();
        using var net = ModelZoo.Create(Cpu, "srcnn", 2, ModelOptions.Parse("features=2,features2=2"));
        NetworkWeights.Save(net, tmp.File("a.pth"));
        NetworkWeights.Save(net, tmp.File("a.safetensors"));
        Assert.Equal(WeightFileFormat.PyTorchZip, WeightFiles.Load(tmp.File("a.pth")).Format);
        Assert.Equal(WeightFileFormat.Safetensors, WeightFiles.Load(tmp.File("a.safetensors")).Format);
    }

    [Fact]
    public void ExplicitOptionsOverrideTheMetadata()
    {
        var spec = NetworkWeights.Resolve(WeightFiles.Load(Fixture("rcan_x2.safetensors")), "rcan_x2.safetensors",
            scale: 3, options: ModelOptions.Parse("blocks=5"));
        Assert.Equal("rcan", spec.Architecture);
        Assert.Equal(3, spec.Scale);
        Assert.Equal("blocks=5,features=8,groups=2,reduction=2", spec.Options.ToString());
    }

    private static string FirstWord(string s) => s.Split(' ')[0];

    private static void AssertSameState(IReadOnlyDictionary<string, HostTensor> expected, IReadOnlyDictionary<string, HostTensor> actual)
    {
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (k, t) in expected)
        {
            Assert.Equal(t.Shape, actual[k].Shape);
            Assert.True(t.Data.AsSpan().SequenceEqual(actual[k].Data), $"{k} differs");
        }
    }
}
