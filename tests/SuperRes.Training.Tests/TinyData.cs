using SuperRes.Imaging;
using SuperRes.Models.Networks;
using SuperRes.Tensors;
using SuperRes.Tensors.Autograd;

namespace SuperRes.Training.Tests;

/// <summary>A temporary folder that deletes itself.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir(string name = "run")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"superres-train-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Small smooth random RGB images written as PNG, and tiny-run options for every zoo network.</summary>
public static class TinyData
{
    /// <summary>
    /// <paramref name="count"/> images of <paramref name="size"/>² pixels: a few random low-frequency sinusoids
    /// per channel plus a ramp, 8-bit. 48 is a multiple of 2, 3 and 4, so every scale keeps the whole image.
    /// </summary>
    public static string Create(string directory, int count = 6, int size = 48, int seed = 7)
    {
        Directory.CreateDirectory(directory);
        var rng = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            var image = new Image(size, size, 3);
            for (int c = 0; c < 3; c++)
            {
                var waves = Enumerable.Range(0, 3).Select(_ => (
                    Fx: (rng.NextDouble() * 2 - 1) * 0.35, Fy: (rng.NextDouble() * 2 - 1) * 0.35,
                    Phase: rng.NextDouble() * 6.28, Amp: 20 + 30 * rng.NextDouble())).ToArray();
                double rampX = (rng.NextDouble() * 2 - 1) * 1.5, rampY = (rng.NextDouble() * 2 - 1) * 1.5, offset = 90 + 80 * rng.NextDouble();
                for (int y = 0; y < size; y++)
                    for (int x = 0; x < size; x++)
                    {
                        double v = offset + rampX * (x - size / 2) + rampY * (y - size / 2);
                        foreach (var w in waves)
                            v += w.Amp * Math.Sin(w.Fx * x + w.Fy * y + w.Phase);
                        image[c, y, x] = (float)Math.Clamp(Math.Round(v), 0, 255);
                    }
            }
            ImageCodec.Write(System.IO.Path.Combine(directory, $"img{i:00}.png"), image);
        }
        return directory;
    }

    /// <summary>Reduced configurations of every zoo network (small enough for the Cpu reference device).</summary>
    public static readonly (string Model, int Scale, string Options)[] Zoo =
    [
        ("srcnn", 2, "features=8,features2=4"),
        ("fsrcnn", 3, "d=8,s=4,m=1"),
        ("srresnet", 2, "blocks=1,features=8"),
        ("edsr-baseline", 2, "blocks=1,features=8"),
        ("edsr", 3, "blocks=1,features=8"),
        ("mdsr-baseline", 2, "blocks=1,features=8"),
        ("mdsr", 4, "blocks=2,features=8"),
        ("msrn", 3, "blocks=1,features=8"),
        ("rcan", 2, "groups=1,blocks=1,features=16,reduction=4"),
    ];

    public static TrainingOptions Options(string model, int scale, string options, string data, string output, long iterations) => new()
    {
        Model = model,
        Scale = scale,
        ModelOptions = ModelOptions.Parse(options),
        DataDirectory = data,
        OutputDirectory = output,
        Iterations = iterations,
        BatchSize = 4,
        Patch = 8,
        LearningRate = 1e-3,
        Schedule = LrSchedule.Parse("constant"),
        ValidateEvery = 0,
        SaveEvery = 0,
        LogEvery = 1,
        DataWorkers = 2,
        PrefetchBatches = 2,
    };

    /// <summary>The network's loss on one fixed batch (drawn far beyond the run's iterations), without recording.</summary>
    public static float FixedLoss(Trainer trainer, long batchIteration = 1_000_000_007)
    {
        var batch = trainer.Sampler.Make(batchIteration);
        if (trainer.Network is Mdsr mdsr)
            mdsr.SelectScale(batch.Scale);
        var device = trainer.Network.Device;
        using var _ = Tape.NoGrad();
        using var x = Tensor.FromArray(device, new Shape(batch.InputShape), batch.Input);
        using var y = Tensor.FromArray(device, new Shape(batch.TargetShape), batch.Target);
        using var prediction = trainer.Network.Forward(x);
        using var loss = trainer.Options.Loss == LossKind.L1 ? Ops.L1Loss(prediction, y) : Ops.MseLoss(prediction, y);
        return loss.ToArray()[0];
    }

    /// <summary>Every parameter and buffer of the network, and the optimiser state, as exact bit patterns.</summary>
    public static Dictionary<string, int[]> Bits(Trainer trainer)
    {
        var result = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var (name, t) in trainer.Network.StateDict())
            result["net." + name] = t.Data.Select(BitConverter.SingleToInt32Bits).ToArray();
        foreach (var (name, m, v, step) in trainer.Optimizer.ExportState())
        {
            result["m." + name] = m.Data.Select(BitConverter.SingleToInt32Bits).ToArray();
            result["v." + name] = v.Data.Select(BitConverter.SingleToInt32Bits).ToArray();
            result["step." + name] = [(int)step];
        }
        return result;
    }

    public static void AssertSameBits(Dictionary<string, int[]> expected, Dictionary<string, int[]> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, bits) in expected)
        {
            var other = actual[name];
            int differing = bits.Zip(other).Count(p => p.First != p.Second);
            Assert.True(differing == 0, $"{name}: {differing} of {bits.Length} values differ");
        }
    }
}

/// <summary>Cancels a token when a run reaches a given iteration (the Ctrl-C path without a signal), and records progress.</summary>
public sealed class StopAt(long iteration, CancellationTokenSource cancel) : ITrainingObserver
{
    public List<string> Lines { get; } = [];
    public List<TrainingProgress> Steps { get; } = [];

    public void Info(string message) => Lines.Add(message);

    public void Progress(TrainingProgress progress)
    {
        Steps.Add(progress);
        if (progress.Iteration == iteration)
            cancel.Cancel();
    }
}

/// <summary>Records what a run reports.</summary>
public sealed class Recorder(Action<TrainingProgress>? onStep = null) : ITrainingObserver
{
    public List<string> Lines { get; } = [];
    public List<TrainingProgress> Steps { get; } = [];

    public void Info(string message) => Lines.Add(message);

    public void Progress(TrainingProgress progress)
    {
        Steps.Add(progress);
        onStep?.Invoke(progress);
    }
}
