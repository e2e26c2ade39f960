using SuperRes.Models.Modules;
using SuperRes.Models.Networks;
using Xunit.Abstractions;

namespace SuperRes.Training.Tests;

/// <summary>
/// Adversarial (SRGAN) training: both networks learn, the checkpoint holds both networks and both optimisers, a
/// stopped and resumed run ends bit for bit where an uninterrupted one does, and a checkpoint resumes only the
/// kind of run that wrote it.
/// </summary>
public sealed class GanTrainingTests(ITestOutputHelper output)
{
    /// <summary>A tiny discriminator: the paper's layout with fewer channels and a narrower dense layer.</summary>
    public const string TinyDiscriminator = "features=4,hidden=8";

    public static TrainingOptions Tiny(string data, string run, long iterations, GanOptions? gan = null) =>
        TinyData.Options("srresnet", 2, "blocks=1,features=8", data, run, iterations) with
        {
            Patch = 8,
            Gan = gan ?? new GanOptions { DiscriminatorOptions = ModelOptions.Parse(TinyDiscriminator), AdversarialWeight = 0.1 },
        };

    /// <summary>Every generator and discriminator tensor and both optimisers' state, as bits.</summary>
    private static Dictionary<string, int[]> Bits(Trainer trainer)
    {
        var bits = TinyData.Bits(trainer);
        foreach (var (name, t) in trainer.Discriminator!.StateDict())
            bits["d.net." + name] = t.Data.Select(BitConverter.SingleToInt32Bits).ToArray();
        foreach (var (name, m, v, step) in trainer.DiscriminatorOptimizer!.ExportState())
        {
            bits["d.m." + name] = m.Data.Select(BitConverter.SingleToInt32Bits).ToArray();
            bits["d.v." + name] = v.Data.Select(BitConverter.SingleToInt32Bits).ToArray();
            bits["d.step." + name] = [(int)step];
        }
        return bits;
    }

    [Fact]
    public void CheckpointHoldsBothNetworksAndBothOptimizers() => TestDevices.OnNewCpu(device =>
    {
        using var dir = new TempDir("gan-ckpt");
        var data = TinyData.Create(dir.Sub("data"), count: 3);
        var options = Tiny(data, dir.Sub("run"), 3) with { SaveEvery = 1 };
        Dictionary<string, int[]> bits;
        using (var trainer = Trainer.Create(device, options))
        {
            var recorder = new Recorder();
            trainer.Run(default, recorder);
            bits = Bits(trainer);
            var gan = recorder.Steps.Last().Gan!;
            Assert.True(gan.DReal is > 0 and < 1 && gan.DFake is > 0 and < 1, $"D(HR) {gan.DReal}, D(SR) {gan.DFake}");
            Assert.True(gan.Content > 0 && gan.Adversarial > 0 && gan.DiscriminatorLoss > 0);
            Assert.Equal(trainer.Discriminator!.NamedParameters().Count(), trainer.DiscriminatorOptimizer!.ExportState().Count);
            Assert.All(trainer.DiscriminatorOptimizer.Names, n => Assert.Equal(3, trainer.DiscriminatorOptimizer.StepCount(n)));
        }
        var ckpt = Checkpoint.Load(Path.Combine(options.OutputDirectory, Checkpoint.FileName));
        Assert.NotNull(ckpt.Discriminator);
        Assert.Equal("srgan", ckpt.Metadata["gan"]);
        Assert.Equal("mse", ckpt.Metadata["content"]);
        Assert.Equal("0.1", ckpt.Metadata["adv_weight"]);
        Assert.Equal(TinyDiscriminator, ckpt.Metadata["d_options"]);
        foreach (var (name, t) in ckpt.Discriminator!.Parameters)
            Assert.Equal(bits["d.net." + name], t.Data.Select(BitConverter.SingleToInt32Bits).ToArray());
        Assert.All(ckpt.Discriminator.Adam, a => Assert.Equal(3, a.Step));

        // metrics.csv has the adversarial columns, curves.svg the discriminator's panels
        var lines = File.ReadAllLines(Path.Combine(options.OutputDirectory, MetricsLog.CsvName));
        Assert.EndsWith(MetricsLog.GanHeader, lines[0]);
        Assert.Equal(12, lines[^1].Split(',').Length);
        Assert.Contains("D(HR)", File.ReadAllText(Path.Combine(options.OutputDirectory, MetricsLog.PlotName)));
    });

    /// <summary>
    /// On one fixed batch, against a discriminator that does not learn, the generator's steps lower its adversarial
    /// loss and raise D(SR); with the roles reversed the discriminator's steps lower its loss (the signs of both updates).
    /// </summary>
    [Fact]
    public void EachSideImprovesAgainstAFixedOther() => TestDevices.OnNewCpu(device =>
    {
        var rng = new Random(5);
        var batch = new Batch(1, 2, [4, 3, 8, 8], RandomData(rng, 4 * 3 * 8 * 8), [4, 3, 16, 16], RandomData(rng, 4 * 3 * 16 * 16));
        double[] Run(double generatorLr, double discriminatorLr, Func<GanMetrics, double> measure)
        {
            Init.Seed(3);
            var generator = new SrResNet(device, 2, ModelOptions.Parse("blocks=1,features=8"));
            var generatorOptimizer = new AdamOptimizer(generator.NamedParameters(), new AdamSettings());
            var discriminator = new SrganDiscriminator(device, ModelOptions.Parse(TinyDiscriminator));
            var discriminatorOptimizer = new AdamOptimizer(discriminator.NamedParameters(), new AdamSettings());
            using var step = new GanStep(device, generator, generatorOptimizer, discriminator, discriminatorOptimizer,
                new GanOptions { ContentWeight = 0, AdversarialWeight = 1 }, new PixelContentLoss(LossKind.Mse));
            using (generator)
            using (generatorOptimizer)
                return Enumerable.Range(0, 20).Select(_ =>
                {
                    step.Step(batch, generatorLr, discriminatorLr);
                    return measure(step.TakeMeans()!);
                }).ToArray();
        }
        var adversarial = Run(1e-3, 1e-30, m => m.Adversarial);
        output.WriteLine($"G learns: BCE(D(SR), 1) {string.Join(", ", adversarial.Select(a => a.ToString("F4")))}");
        Assert.True(adversarial[^1] < adversarial[0] * 0.95, $"BCE(D(SR), 1) {adversarial[0]} → {adversarial[^1]}");
        var discriminatorLoss = Run(1e-30, 1e-3, m => m.DiscriminatorLoss);
        output.WriteLine($"D learns: L_D {string.Join(", ", discriminatorLoss.Select(a => a.ToString("F4")))}");
        Assert.True(discriminatorLoss[^1] < discriminatorLoss[0] * 0.9, $"L_D {discriminatorLoss[0]} → {discriminatorLoss[^1]}");
    });

    private static float[] RandomData(Random rng, int n) => Enumerable.Range(0, n).Select(_ => rng.NextSingle()).ToArray();

    [Fact]
    public void ResumesBitExactOnCpu() => TestDevices.OnNewCpu(device =>
    {
        const int total = 6, stop = 3;
        using var dir = new TempDir("gan-resume");
        var data = TinyData.Create(dir.Sub("data"));
        var a = Tiny(data, dir.Sub("a"), total) with { SaveEvery = 2, Schedule = LrSchedule.Parse("cosine") };
        a = a with { Gan = a.Gan! with { DiscriminatorLearningRate = 3e-3, Content = ContentLoss.L1 } };
        Dictionary<string, int[]> straight;
        using (var trainer = Trainer.Create(device, a))
        {
            Assert.Equal(TrainingOutcome.Completed, trainer.Run().Outcome);
            straight = Bits(trainer);
        }
        var b = a with { OutputDirectory = dir.Sub("b") };
        using (var trainer = Trainer.Create(device, b))
        {
            using var cancel = new CancellationTokenSource();
            Assert.Equal(TrainingOutcome.Interrupted, trainer.Run(cancel.Token, new StopAt(stop, cancel)).Outcome);
        }
        using (var trainer = Trainer.Create(device, b with { Resume = true }))
        {
            Assert.Equal(stop, trainer.StartIteration);
            Assert.Equal(TrainingOutcome.Completed, trainer.Run().Outcome);
            TinyData.AssertSameBits(straight, Bits(trainer));
            output.WriteLine($"srgan: {straight.Count} tensors identical after {stop} + {total - stop} iterations vs {total}");
        }
        var rows = File.ReadLines(Path.Combine(b.OutputDirectory, MetricsLog.CsvName)).Skip(1).Select(l => long.Parse(l.Split(',')[0]));
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), rows);
    });

    [Fact]
    public void CheckpointResumesOnlyItsKindOfRun() => TestDevices.OnNewCpu(device =>
    {
        using var dir = new TempDir("gan-kind");
        var data = TinyData.Create(dir.Sub("data"), count: 3);
        var gan = Tiny(data, dir.Sub("gan"), 1);
        using (var trainer = Trainer.Create(device, gan))
            trainer.Run();
        var plain = gan with { OutputDirectory = dir.Sub("plain"), Gan = null };
        using (var trainer = Trainer.Create(device, plain))
            trainer.Run();

        var e = Assert.Throws<CheckpointException>(() => Trainer.Create(device, gan with { Gan = null, Resume = true, Iterations = 2 }));
        Assert.Contains("resume it with --model srgan", e.Message);
        e = Assert.Throws<CheckpointException>(() => Trainer.Create(device, plain with { Gan = gan.Gan, Resume = true, Iterations = 2 }));
        Assert.Contains("has no discriminator", e.Message);

        // The generator of a plain run starts an adversarial one through --init-from.
        var fine = gan with { OutputDirectory = dir.Sub("fine"), InitFrom = Path.Combine(plain.OutputDirectory, Trainer.FinalName) };
        var lines = new List<string>();
        using (var trainer = Trainer.Create(device, fine, lines.Add))
            Assert.Equal(TrainingOutcome.Completed, trainer.Run().Outcome);
        Assert.Contains(lines, l => l.StartsWith("initialised from", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("discriminator", StringComparison.Ordinal));
    });

    [Theory]
    [InlineData("vgg54", "needs --vgg-weights")]
    [InlineData("vgg13", "--content 'vgg13'")]
    [InlineData("ssim", "--content 'ssim'")]
    public void BadContentLossIsAClearError(string content, string expected)
    {
        var e = Assert.ThrowsAny<SuperResException>(() => new GanOptions { Content = ContentLoss.Parse(content) }.Validate());
        Assert.Contains(expected, e.Message);
    }
}
