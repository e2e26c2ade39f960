using SuperRes.Models.Serialization;
using SuperRes.Models.Weights;

namespace SuperRes.Training.Tests;

/// <summary>Checkpoint format, rotation, corruption handling, the NaN guard, and --init-from.</summary>
public sealed class CheckpointTests
{
    private static string TrainTiny(Device device, TempDir dir, int iterations, int saveEvery, Func<TrainingOptions, TrainingOptions>? adjust = null)
    {
        var data = Directory.Exists(dir.Sub("data")) ? dir.Sub("data") : TinyData.Create(dir.Sub("data"), count: 3);
        var options = TinyData.Options("fsrcnn", 2, "d=8,s=4,m=1", data, dir.Sub("out"), iterations) with { SaveEvery = saveEvery };
        options = adjust?.Invoke(options) ?? options;
        using var trainer = Trainer.Create(device, options);
        trainer.Run();
        return options.OutputDirectory;
    }

    /// <summary>Trains, rewrites last.ckpt through <paramref name="damage"/>, and checks that loading it fails naming the file.</summary>
    private static (CheckpointException Error, string Run, string Last) DamageLastCheckpoint(Device device, TempDir dir, int iterations, Func<byte[], byte[]> damage)
    {
        var run = TrainTiny(device, dir, iterations, 2);
        string last = Path.Combine(run, Checkpoint.FileName);
        File.WriteAllBytes(last, damage(File.ReadAllBytes(last)));
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(last));
        Assert.Contains(last, e.Message);
        return (e, run, last);
    }

    [Fact]
    public void CheckpointHoldsWeightsMomentsAndMetadata()
    {
        using var device = TestDevices.NewCpu();
        using var dir = new TempDir("ckpt");
        var run = TrainTiny(device, dir, 4, 2, o => o with { Seed = 42, WeightDecay = 1e-4 });
        var ckpt = Checkpoint.Load(Path.Combine(run, Checkpoint.FileName));
        Assert.Equal(4, ckpt.Iteration);
        Assert.Equal(2, Checkpoint.Load(Path.Combine(run, Checkpoint.PreviousFileName)).Iteration);
        Assert.False(File.Exists(Path.Combine(run, Checkpoint.NextFileName)));
        var meta = ckpt.Metadata;
        Assert.Equal("fsrcnn", meta["architecture"]);
        Assert.Equal("2", meta["scale"]);
        Assert.Equal("42", meta["seed"]);
        Assert.Equal("d=8,m=1,s=4", meta["options"]);
        Assert.Equal("adam", meta["optimizer"]);
        Assert.Equal("constant", meta["schedule"]);
        Assert.Equal("0.0001", meta["weight_decay"]);
        Assert.StartsWith("sha256:", meta[Checkpoint.ChecksumKey]);
        // Every parameter has its moments and step count (all parameters of FSRCNN get gradients every step).
        Assert.Equal(ckpt.Parameters.Keys.Order(), ckpt.Adam.Select(a => a.Name).Order());
        Assert.All(ckpt.Adam, a => Assert.Equal(4, a.Step));
        // The raw file is plain safetensors with the documented tensor names.
        var raw = Safetensors.Read(Path.Combine(run, Checkpoint.FileName));
        Assert.Contains("param.first_part.0.weight", raw.Tensors.Keys);
        Assert.Contains("adam_m.first_part.0.weight", raw.Tensors.Keys);
        Assert.Contains("adam_v.last_part.bias", raw.Tensors.Keys);
        // final.safetensors is a plain network file that `superres upscale --weights` loads without arguments.
        var (network, report) = NetworkWeights.Load(device, Path.Combine(run, Trainer.FinalName));
        using (network)
        {
            Assert.True(report.IsComplete);
            Assert.Equal("fsrcnn", network.Architecture);
            Assert.Equal(ckpt.Parameters["first_part.0.weight"].Data, network.StateDict()["first_part.0.weight"].Data);
        }
    }

    [Fact]
    public void TruncatedCheckpointIsRefusedNamingTheFileAndResumeFallsBack()
    {
        using var device = TestDevices.NewCpu();
        using var dir = new TempDir("trunc");
        var (e, run, last) = DamageLastCheckpoint(device, dir, 4, bytes => bytes[..(bytes.Length / 2)]);
        Assert.Contains("truncated", e.Message);
        Assert.Contains(Checkpoint.PreviousFileName, e.Message); // points at the intact previous one
        // --resume sets it aside (never deletes it), continues from the intact previous one, and says so.
        var options = TinyData.Options("fsrcnn", 2, "d=8,s=4,m=1", dir.Sub("data"), run, 8) with { Resume = true };
        var lines = new List<string>();
        using (var trainer = Trainer.Create(device, options, lines.Add))
            Assert.Equal(2, trainer.StartIteration);
        Assert.Contains(lines, l => l.StartsWith("resume: last.ckpt is unusable, moved to last.ckpt.corrupt") && l.Contains("truncated"));
        Assert.Contains(lines, l => l.StartsWith("resume: last.ckpt.prev (iteration 2) is the newest complete checkpoint"));
        Assert.True(File.Exists(last + CheckpointRecovery.CorruptSuffix)); // kept for inspection
        Assert.Equal(2, Checkpoint.Load(last).Iteration);
    }

    [Fact]
    public void CorruptCheckpointIsRefusedNamingTheFile()
    {
        using var device = TestDevices.NewCpu();
        using var dir = new TempDir("corrupt");
        var (e, run, _) = DamageLastCheckpoint(device, dir, 2, bytes =>
        {
            bytes[^5] ^= 0x40; // one bit of the last tensor's data
            return bytes;
        });
        Assert.Contains("checksum", e.Message);

        // Not a checkpoint at all: a plain weights file.
        var weights = Path.Combine(run, Trainer.FinalName);
        var e3 = Assert.Throws<CheckpointException>(() => Checkpoint.Load(weights));
        Assert.Contains(weights, e3.Message);
    }

    [Fact]
    public void FreshRunRefusesToOverwriteACheckpoint()
    {
        using var device = TestDevices.NewCpu();
        using var dir = new TempDir("overwrite");
        var run = TrainTiny(device, dir, 2, 0);
        var options = TinyData.Options("fsrcnn", 2, "d=8,s=4,m=1", dir.Sub("data"), run, 4);
        var e = Assert.Throws<SuperResException>(() => Trainer.Create(device, options));
        Assert.Contains("--resume", e.Message);
        var other = Assert.Throws<CheckpointException>(() => Trainer.Create(device, TinyData.Options("edsr-baseline", 2, "blocks=1,features=8", dir.Sub("data"), run, 4) with { Resume = true }));
        Assert.Contains("fsrcnn", other.Message);
    }

    [Fact]
    public void NanLossStopsNamingTheIterationAndKeepsTheLastCheckpoint()
    {
        using var device = TestDevices.NewCpu();
        using var dir = new TempDir("nan");
        var data = TinyData.Create(dir.Sub("data"), count: 3);
        var options = TinyData.Options("edsr-baseline", 2, "blocks=1,features=8", data, dir.Sub("out"), 50) with { LearningRate = 1e30, SaveEvery = 1 };
        using var trainer = Trainer.Create(device, options);
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Run());
        Assert.Contains($"iteration {e.Iteration}", e.Message);
        Assert.True(e.Iteration >= 2, e.Message);
        string last = Path.Combine(options.OutputDirectory, Checkpoint.FileName);
        Assert.Contains(last, e.Message);
        var ckpt = Checkpoint.Load(last);
        Assert.Equal(e.Iteration - 1, ckpt.Iteration);
        Assert.All(ckpt.Parameters.Values, t => Assert.All(t.Data, v => Assert.True(float.IsFinite(v))));
        Assert.False(File.Exists(Path.Combine(options.OutputDirectory, Trainer.FinalName)));
    }

    [Fact]
    public void InitFromLoadsAllButTheUpsamplerOfAnotherScale()
    {
        using var device = TestDevices.NewCpu();
        using var dir = new TempDir("init");
        var data = TinyData.Create(dir.Sub("data"), count: 3);
        var x2 = TinyData.Options("edsr-baseline", 2, "blocks=1,features=8", data, dir.Sub("x2"), 2);
        using (var trainer = Trainer.Create(device, x2))
            trainer.Run();
        string x2Weights = Path.Combine(x2.OutputDirectory, Trainer.FinalName);
        var lines = new List<string>();
        // No --options: the architecture's configuration comes from the file's metadata.
        var x3 = TinyData.Options("edsr-baseline", 3, "", data, dir.Sub("x3"), 1) with { InitFrom = x2Weights };
        using var x3Trainer = Trainer.Create(device, x3, lines.Add);
        var source = Safetensors.Read(x2Weights).Tensors;
        var state = x3Trainer.Network.StateDict();
        Assert.Equal(source["head.0.weight"].Data, state["head.0.weight"].Data);
        Assert.Equal(source["body.0.body.2.weight"].Data, state["body.0.body.2.weight"].Data);
        Assert.Equal(source["tail.1.weight"].Data, state["tail.1.weight"].Data);
        Assert.NotEqual(source["tail.0.0.weight"].Shape, state["tail.0.0.weight"].Shape);
        string report = string.Join("\n", lines);
        Assert.Contains("initialised from", report);
        Assert.Contains("tail.0.0.weight", report);
    }

    [Fact]
    public void MetricsAndCurvesAreWritten()
    {
        using var device = TestDevices.NewCpu();
        using var dir = new TempDir("metrics");
        var data = TinyData.Create(dir.Sub("data"), count: 3);
        var options = TinyData.Options("fsrcnn", 2, "d=8,s=4,m=1", data, dir.Sub("out"), 4) with
        {
            ValidationHrDirectory = data,
            ValidateEvery = 2,
            LogEvery = 2,
        };
        using (var trainer = Trainer.Create(device, options))
        {
            var summary = trainer.Run();
            Assert.NotNull(summary.BestPsnr);
        }
        var rows = File.ReadAllLines(Path.Combine(options.OutputDirectory, MetricsLog.CsvName));
        Assert.Equal("iteration,loss,lr,val_psnr,val_ssim,iters_per_s,data_wait_pct", rows[0]);
        Assert.Equal(3, rows.Length);
        Assert.All(rows.Skip(1), r => Assert.Equal(7, r.Split(',').Length));
        Assert.All(rows.Skip(1), r => Assert.NotEqual("", r.Split(',')[3])); // validated at 2 and 4
        var svg = System.Xml.Linq.XDocument.Load(Path.Combine(options.OutputDirectory, MetricsLog.PlotName));
        Assert.Equal("svg", svg.Root!.Name.LocalName);
        Assert.Equal(2, svg.Descendants().Count(e => e.Name.LocalName == "polyline"));
        Assert.True(File.Exists(Path.Combine(options.OutputDirectory, Trainer.BestName)));
        using var best = NetworkWeights.Load(device, Path.Combine(options.OutputDirectory, Trainer.BestName)).Network;
        Assert.Equal(2, best.Scale);
    }

    [Fact]
    public void SchedulesGiveTheDocumentedRates()
    {
        var step = LrSchedule.Parse("step:200000:0.5");
        Assert.Equal(1e-4, step.At(1e-4, 0, 300_000));
        Assert.Equal(1e-4, step.At(1e-4, 199_999, 300_000));
        Assert.Equal(5e-5, step.At(1e-4, 200_000, 300_000));
        var cosine = LrSchedule.Parse("cosine");
        Assert.Equal(1e-3, cosine.At(1e-3, 0, 100), 12);
        Assert.Equal(5e-4, cosine.At(1e-3, 50, 100), 12);
        Assert.Equal(0, cosine.At(1e-3, 100, 100), 12);
        Assert.Equal("step:200000:0.5", step.ToString());
        Assert.Equal(1e-6, LrSchedule.Parse("cosine:1e-6").At(1e-3, 100, 100), 12);
        Assert.Throws<SuperResException>(() => LrSchedule.Parse("step:0:0.5"));
        Assert.Throws<SuperResException>(() => LrSchedule.Parse("linear"));
    }
}
