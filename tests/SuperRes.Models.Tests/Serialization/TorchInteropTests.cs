using System.Text.Json;

namespace SuperRes.Models.Tests.Serialization;

/// <summary>Round trips against the real PyTorch (1.13 here): our zip into torch.load, torch.save output into us.</summary>
public class TorchInteropTests(ITestOutputHelper output)
{
    private const string ReadWithTorch = """
        import collections, json, sys, torch
        for weights_only in (False, True):
            sd = torch.load(sys.argv[1], weights_only=weights_only)
        assert type(sd) is collections.OrderedDict, type(sd)
        out = collections.OrderedDict()
        for k, v in sd.items():
            assert v.dtype == torch.float32 and v.is_contiguous() and not v.requires_grad, k
            out[k] = {"shape": list(v.shape), "bits": v.contiguous().view(torch.int32).flatten().tolist()}
        print(json.dumps(out))
        """;

    private const string SaveWithTorch = """
        import collections, json, os, sys, torch
        torch.manual_seed(0)
        d = sys.argv[1]
        base = torch.randn(40)
        sd = collections.OrderedDict()
        sd["head.weight"] = torch.randn(4, 3, 3, 3)
        sd["transposed"] = torch.randn(5, 7).t()
        sd["shared_a"] = base[3:15].view(3, 4)
        sd["shared_b"] = base[20:30]
        sd["half"] = torch.randn(3, 3).half()
        sd["bf16"] = torch.randn(6).bfloat16()
        sd["double"] = torch.randn(2, 2, dtype=torch.float64)
        sd["param"] = torch.nn.Parameter(torch.randn(3))
        sd["scalar"] = torch.tensor(1.5)
        opt = {"state": {0: {"exp_avg": torch.randn(3)}}, "param_groups": [{"lr": 1e-4, "params": [0]}]}
        ckpt = {"epoch": 5, "state_dict": collections.OrderedDict(("module." + k, v) for k, v in sd.items()), "optimizer": opt}
        torch.save(ckpt, os.path.join(d, "zip.pt"))
        torch.save(ckpt, os.path.join(d, "legacy.pt"), _use_new_zipfile_serialization=False)
        class Net(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = torch.nn.Conv2d(1, 1, 3)
        import warnings
        warnings.simplefilter("ignore")
        torch.save(Net(), os.path.join(d, "whole_zip.pt"))
        torch.save(Net(), os.path.join(d, "whole_legacy.pt"), _use_new_zipfile_serialization=False)
        out = collections.OrderedDict()
        for k, v in sd.items():
            out[k] = {"shape": list(v.shape), "bits": v.detach().float().contiguous().view(torch.int32).flatten().tolist()}
        print(json.dumps(out))
        """;

    [TorchFact]
    public void ZipWrittenByUsLoadsInTorchExactly()
    {
        TorchPython.Require();
        using var tmp = new TempDir();
        string path = tmp.File("ours.pt");
        var sd = PyTorchZipWriteTests.SampleStateDict();
        PyTorchZip.Write(path, sd);
        using var doc = JsonDocument.Parse(TorchPython.RunOrFail(ReadWithTorch, path));
        AssertBits(doc.RootElement, sd.ToDictionary(kv => kv.Key, kv => kv.Value), "torch.load of our zip");
        Assert.Equal(sd.Select(kv => kv.Key), doc.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [TorchFact]
    public void CheckpointsSavedByTorchLoadExactly()
    {
        TorchPython.Require();
        using var tmp = new TempDir();
        using var doc = JsonDocument.Parse(TorchPython.RunOrFail(SaveWithTorch, tmp.Path));
        foreach (var (file, format) in new[] { ("zip.pt", WeightFileFormat.PyTorchZip), ("legacy.pt", WeightFileFormat.PyTorchLegacy) })
        {
            var w = WeightFiles.Load(tmp.File(file));
            Assert.Equal(format, w.Format);
            Assert.Equal("5", w.Metadata["epoch"]);
            Assert.Equal(doc.RootElement.EnumerateObject().Select(p => p.Name), w.Tensors.Keys);
            AssertBits(doc.RootElement, w.Tensors, file);
        }
        foreach (string file in new[] { "whole_zip.pt", "whole_legacy.pt" })
        {
            var ex = Assert.Throws<WeightFormatException>(() => WeightFiles.Load(tmp.File(file)));
            output.WriteLine(ex.Message);
            Assert.Contains("'__main__.Net'", ex.Message);
        }
    }

    private static void AssertBits(JsonElement expected, IReadOnlyDictionary<string, HostTensor> actual, string context)
    {
        foreach (var p in expected.EnumerateObject())
        {
            Assert.True(actual.ContainsKey(p.Name), $"{context}: missing '{p.Name}'");
            var t = actual[p.Name];
            Assert.Equal(p.Value.GetProperty("shape").EnumerateArray().Select(x => x.GetInt32()), t.Shape);
            var bits = p.Value.GetProperty("bits").EnumerateArray().Select(x => x.GetInt32()).ToArray();
            Assert.True(bits.SequenceEqual(t.Data.Select(BitConverter.SingleToInt32Bits)), $"{context}: values of '{p.Name}' differ");
        }
    }
}
