using Xunit.Abstractions;

namespace SuperRes.Training.Tests;

/// <summary>
/// A run stopped by its cancellation token (the Ctrl-C path) and resumed from its checkpoint ends with the same
/// weights, buffers and optimiser state, bit for bit, as an uninterrupted run with the same seed.
/// </summary>
public sealed class ResumeTests(ITestOutputHelper output)
{
    /// <summary>MDSR: per-scale branches skipped on some steps, so per-parameter step counts differ; with clipping.</summary>
    [Fact]
    public void MdsrResumesBitExactOnCpu() =>
        TestDevices.OnNewCpu(device => ResumeIsBitExact(device, "mdsr-baseline", 2, "blocks=1,features=8", output, o => o with { ClipGradNorm = 5f }));

    /// <summary>SRResNet: BatchNorm running statistics are state too; with weight decay.</summary>
    [Fact]
    public void SrResNetResumesBitExactOnCpu() =>
        TestDevices.OnNewCpu(device => ResumeIsBitExact(device, "srresnet", 2, "blocks=1,features=8", output, o => o with { WeightDecay = 1e-3, Schedule = LrSchedule.Parse("cosine") }));

    internal static void ResumeIsBitExact(Device device, string model, int scale, string options, ITestOutputHelper output,
        Func<TrainingOptions, TrainingOptions>? adjust = null)
    {
        const int total = 6, stop = 3;
        using var dir = new TempDir("resume");
        var data = TinyData.Create(dir.Sub("data"));
        var a = TinyData.Options(model, scale, options, data, dir.Sub("a"), total) with { SaveEvery = 2 };
        a = adjust?.Invoke(a) ?? a;

        Dictionary<string, int[]> straight;
        using (var trainer = Trainer.Create(device, a))
        {
            var s = trainer.Run();
            Assert.Equal(TrainingOutcome.Completed, s.Outcome);
            straight = TinyData.Bits(trainer);
        }

        var b = a with { OutputDirectory = dir.Sub("b") };
        using (var trainer = Trainer.Create(device, b))
        {
            using var cancel = new CancellationTokenSource();
            var s = trainer.Run(cancel.Token, new StopAt(stop, cancel));
            Assert.Equal(TrainingOutcome.Interrupted, s.Outcome);
            Assert.Equal(stop, s.Iteration);
            Assert.Null(s.FinalWeightsPath);
        }
        Assert.Equal(stop, Checkpoint.Load(Path.Combine(b.OutputDirectory, Checkpoint.FileName)).Iteration);
        Assert.Equal(2, Checkpoint.Load(Path.Combine(b.OutputDirectory, Checkpoint.PreviousFileName)).Iteration);

        using (var trainer = Trainer.Create(device, b with { Resume = true }))
        {
            Assert.Equal(stop, trainer.StartIteration);
            var s = trainer.Run();
            Assert.Equal(TrainingOutcome.Completed, s.Outcome);
            Assert.Equal(total, s.Iteration);
            TinyData.AssertSameBits(straight, TinyData.Bits(trainer));
            output.WriteLine($"{model} on {device.Info.Id}: {straight.Count} tensors identical after {stop} + {total - stop} iterations vs {total}");
        }
        // metrics.csv reads as one run: every iteration once.
        var iterations = File.ReadLines(Path.Combine(b.OutputDirectory, MetricsLog.CsvName)).Skip(1).Select(l => long.Parse(l.Split(',')[0])).ToArray();
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), iterations);
    }
}
