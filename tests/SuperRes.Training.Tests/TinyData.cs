using SuperRes.Models.Networks;
using SuperRes.Tensors;
using SuperRes.Tensors.Autograd;

namespace SuperRes.Training.Tests;

/// <summary>Small training images, and tiny-run options for every zoo network.</summary>
public static class TinyData
{
    /// <summary>Training images: <see cref="TestImages.WriteSmooth"/>.</summary>
    public static string Create(string directory, int count = 6, int size = 48, int seed = 7) =>
        TestImages.WriteSmooth(directory, count, size, seed);

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
        trainer.Network.SelectScale(batch.Scale);
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
