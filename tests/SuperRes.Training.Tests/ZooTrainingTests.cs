using System.Diagnostics;
using SuperRes.Models.Networks;
using Xunit.Abstractions;

namespace SuperRes.Training.Tests;

/// <summary>A few iterations of every zoo network (reduced configurations) on tiny images lower its loss.</summary>
public sealed class ZooTrainingTests(ITestOutputHelper output)
{
    public const int Iterations = 12;

    public static TheoryData<string> Networks()
    {
        var data = new TheoryData<string>();
        foreach (var (model, _, _) in TinyData.Zoo)
            data.Add(model);
        return data;
    }

    [Fact]
    public void EveryZooNetworkIsCovered() =>
        Assert.Equal(ModelZoo.BuiltIn.Select(e => e.Name).Order(), TinyData.Zoo.Select(z => z.Model).Order());

    [Theory]
    [MemberData(nameof(Networks))]
    public void LossDecreasesOnCpu(string model) =>
        TestDevices.OnNewCpu(device => ReducesLoss(device, model, output));

    internal static void ReducesLoss(Device device, string model, ITestOutputHelper output)
    {
        var (_, scale, options) = TinyData.Zoo.Single(z => z.Model == model);
        using var dir = new TempDir(model);
        var data = TinyData.Create(dir.Sub("data"));
        var settings = TinyData.Options(model, scale, options, data, dir.Sub("out"), Iterations);
        using var trainer = Trainer.Create(device, settings);
        float before = TinyData.FixedLoss(trainer);
        var watch = Stopwatch.StartNew();
        var recorder = new Recorder();
        var summary = trainer.Run(observer: recorder);
        float after = TinyData.FixedLoss(trainer);
        output.WriteLine($"{model} x{scale} ({options}) on {device.Info.Id}: loss on a fixed batch {before:G4} → {after:G4} " +
                         $"after {summary.Iteration} iterations ({watch.Elapsed.TotalSeconds:F2} s); step losses {string.Join(" ", recorder.Steps.Select(s => s.Loss.ToString("G3")))}");
        Assert.Equal(TrainingOutcome.Completed, summary.Outcome);
        Assert.Equal(Iterations, summary.Iteration);
        Assert.True(after < before, $"{model}: the loss did not decrease ({before} → {after})");
        Assert.True(File.Exists(Path.Combine(settings.OutputDirectory, Trainer.FinalName)));
    }
}
