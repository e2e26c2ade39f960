using System.Diagnostics;

namespace SuperRes.Models.Tests.Serialization;

/// <summary>
/// The regression corpus of issue 15 (tests/fixtures/hostile, written by make_hostile_fixtures.py) and every
/// input the fuzzers found (tests/fuzz/regression): each gives a clean engine error naming the file, or the
/// correct result, within 10 s and 1 GB of allocations.
/// </summary>
public class HostileCorpusTests
{
    private static readonly string Dir = Path.Combine(TestPaths.Fixtures, "hostile");

    private static string PathOf(string name) => Path.Combine(Dir, name);

    [Theory]
    [InlineData("deep_rebuild_from_type_zip.pt", "_rebuild_from_type_v2 nests more than 64 deep")]
    [InlineData("deep_rebuild_from_type_legacy.pt", "_rebuild_from_type_v2 nests more than 64 deep")]
    [InlineData("deep_lists_zip.pt", "no state_dict found")]
    [InlineData("deep_dicts_zip.pt", "no state_dict found")]
    [InlineData("deep_tuple_key_zip.pt", "a dict key nests deeper than 32")]
    [InlineData("tuple_key_hash_zip.pt", "holds more than 256 values")]
    [InlineData("alias_views_5000_zip.pt", "refusing to load: tensor 'w")]
    [InlineData("storage_over_2gb_zip.pt", "too small for F64[300000000]")]
    [InlineData("storage_size_lie_zip.pt", "")]
    [InlineData("lone_surrogate.safetensors", "is not valid text")]
    [InlineData("lone_surrogate_name.safetensors", "is not valid text")]
    [InlineData("header_off_by_one.safetensors", "header length wrong")]
    [InlineData("hole.safetensors", "a hole in the data")]
    [InlineData("trailing_bytes.safetensors", "trailing bytes")]
    [InlineData("big_offset_zip.pt", "reaches element 1099511627779")]
    [InlineData("big_numel_zip.pt", "too small for F32[2147483649]")]
    public void HostileWeightFilesFailCleanly(string name, string problem)
    {
        string path = PathOf(name);
        var ex = Bounded(() => Assert.Throws<WeightFormatException>(() => WeightFiles.Load(path)));
        Assert.StartsWith(path + ": ", ex.Message);
        Assert.Contains(problem, ex.Message);
    }

    [Fact]
    public void AliasedStoragesAreSharedNotCopied()
    {
        var file = Bounded(() => WeightFiles.Load(PathOf("alias_500_zip.pt")));
        Assert.Equal(500, file.Tensors.Count);
        var first = file.Tensors["w0"].Data;
        Assert.Equal(1 << 20, first.Length);
        Assert.All(file.Tensors.Values, t => Assert.Same(first, t.Data));
    }

    [Fact]
    public void ShapesAreComparedWithTheNetworkBeforeDataIsRead()
    {
        // 500 tensors of 4 MB, none of them an FSRCNN parameter: refused from the structure alone.
        string path = PathOf("alias_500_zip.pt");
        var ex = Bounded(() => Assert.Throws<Modules.StateDictMismatchException>(
            () => NetworkWeights.Load(TestDevices.Cpu, path, "fsrcnn", 3)), maxBytes: 64L << 20);
        Assert.StartsWith(path + ": ", ex.Message);
        Assert.Equal(500, ex.Report.Unexpected.Count);
    }

    [Fact]
    public void PickleIntegersBeyond32BitsAreInts()
    {
        var file = Bounded(() => WeightFiles.Load(PathOf("big_ints_zip.pt")));
        Assert.Equal("8589934592", file.Metadata["epoch"]);
        Assert.Equal([1f, 2f, 3f, 4f], file.Tensors["w"].Data);
    }

    [Theory]
    [InlineData("options_m_1e8.safetensors", "model option m=100000000 is not an integer from 1 to 4096")]
    [InlineData("options_d_2e9.safetensors", "model option d=2000000000 is not an integer from 1 to 4096")]
    [InlineData("options_features_huge.safetensors", "would have more than 100,000,000 parameters")]
    public void AbsurdOptionsInMetadataAreRefusedBeforeAllocation(string name, string problem)
    {
        string path = PathOf(name);
        var ex = Bounded(() => Assert.ThrowsAny<SuperResException>(() => NetworkWeights.Load(TestDevices.Cpu, path)));
        Assert.StartsWith(path + ": ", ex.Message);
        Assert.Contains(problem, ex.Message);
    }

    [Theory]
    [InlineData("nan_weights.safetensors", "tensor 'first_part.0.weight' holds 1 non-finite value(s)")]
    [InlineData("inf_weights.safetensors", "tensor 'mid_part.0.weight' holds 1 non-finite value(s)")]
    public void NonFiniteWeightsAreRefused(string name, string problem)
    {
        string path = PathOf(name);
        var ex = Bounded(() => Assert.Throws<WeightFormatException>(() => NetworkWeights.Load(TestDevices.Cpu, path)));
        Assert.StartsWith(path + ": ", ex.Message);
        Assert.Contains(problem, ex.Message);
    }

    public static TheoryData<string, string> FuzzInputs() => FuzzCorpus.Inputs("pickle", "zip", "legacy", "safetensors");

    /// <summary>Every fuzz seed and every input a fuzzer ever found, through the harness's own entry points.</summary>
    [Theory]
    [MemberData(nameof(FuzzInputs))]
    public void FuzzInputsGiveOnlyEngineErrors(string target, string file)
    {
        string path = Path.Combine(FuzzCorpus.Root, file);
        Bounded(() =>
        {
            try
            {
                switch (target)
                {
                    case "pickle": BarePickle.Load(File.ReadAllBytes(path), path); break;
                    case "zip": PyTorchZip.Read(path); break;
                    case "legacy": PyTorchLegacy.Read(path); break;
                    default: Safetensors.Read(path); break;
                }
            }
            catch (SuperResException) { } // a clean refusal; anything else fails the test
            return 0;
        });
    }

    /// <summary>Runs on a thread of its own, failing past 10 s or past <paramref name="maxBytes"/> allocated.</summary>
    private static T Bounded<T>(Func<T> action, long maxBytes = 1L << 30)
    {
        long allocated = 0;
        var clock = Stopwatch.StartNew();
        var task = Task.Factory.StartNew(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            try { return action(); }
            finally { allocated = GC.GetAllocatedBytesForCurrentThread() - before; }
        }, TaskCreationOptions.LongRunning);
        Assert.True(task.Wait(TimeSpan.FromSeconds(10)), $"still running after {clock.Elapsed.TotalSeconds:F0} s");
        Assert.True(allocated <= maxBytes, $"allocated {allocated:N0} bytes, more than {maxBytes:N0}");
        return task.Result;
    }
}
