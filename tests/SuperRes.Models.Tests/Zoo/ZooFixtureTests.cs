namespace SuperRes.Models.Tests.Zoo;

/// <summary>
/// Every reduced zoo network of tests/fixtures/models, loaded from each of its three files (zip .pt, legacy
/// .pt, safetensors), against PyTorch on each device: forward output within 1e-4 relative error, then the
/// L1 loss backward, every parameter's gradient within 1e-3.
/// </summary>
[Collection(NetworkCollection.Name)]
public sealed class ZooFixtureTests(ITestOutputHelper output)
{
    public const double OutputTolerance = 1e-4;
    public const double GradientTolerance = 1e-3;

    public static TheoryData<string, int, string> Cases()
    {
        var data = new TheoryData<string, int, string>();
        foreach (var c in ModelFixtures.Cases)
            for (int file = 0; file < c.Weights.Files.Length; file++)
                foreach (var device in new[] { "cpu", "opencl" })
                    data.Add(c.Name, file, device);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardAndBackwardMatchPyTorch(string caseName, int fileIndex, string deviceName)
    {
        var device = TestDevices.ByName(deviceName, output);
        if (device is null)
            return;
        var c = ModelFixtures.Case(caseName);
        string file = ModelFixtures.PathOf(c.Weights.Files[fileIndex]);
        var io = ModelFixtures.Io(c);

        // The safetensors file names its network; the PyTorch files need model, scale and options.
        var (net, report) = file.EndsWith(".safetensors", StringComparison.Ordinal)
            ? NetworkWeights.Load(device, file, scale: c.Scale)
            : NetworkWeights.Load(device, file, c.Weights.Architecture, c.Scale, ModelOptions.Parse(c.Weights.Options));
        using var _ = net;
        Assert.True(report.IsComplete, report.Describe());
        Assert.Equal(c.Weights.Architecture, net.Architecture);
        Assert.Equal(c.Scale, net.Scale);
        Assert.Equal(c.Weights.Colors, net.Colors.ToString());
        Assert.Equal(c.Weights.Parameters, net.ParameterCount());
        if (c.Train)
            net.Train();

        try
        {
            // The fixtures hold PyTorch's gradients of the eval-mode network (frozen BatchNorm statistics).
            using var recording = Module.RecordInEvalMode();
            using var input = ModelFixtures.ToDevice(device, io["input"]);
            using var target = ModelFixtures.ToDevice(device, io["target"]);
            using var y = net.Forward(input);
            double outErr = ModelFixtures.AssertClose(y, io["output"], OutputTolerance, $"{c.Name} output ({Path.GetFileName(file)}, {deviceName})");
            using var loss = Ops.L1Loss(y, target);
            ModelFixtures.AssertClose(loss, io["loss"], OutputTolerance, $"{c.Name} loss");
            loss.Backward();

            double worstGrad = 0;
            foreach (var (name, p) in net.NamedParameters())
            {
                if (io.TryGetValue("grad." + name, out var expected))
                {
                    Assert.True(p.Grad is not null, $"{c.Name}: parameter {name} got no gradient (PyTorch's has norm {Norm(expected.Data):G4})");
                    worstGrad = Math.Max(worstGrad, ModelFixtures.AssertClose(p.Grad!, expected, GradientTolerance, $"{c.Name} grad {name} ({deviceName})"));
                }
                else
                {
                    // Not on the forward path (MDSR's other scales): PyTorch leaves the gradient None.
                    Assert.True(p.Grad is null || p.Grad.ToArray().All(v => v == 0), $"{c.Name}: {name} is not used by PyTorch's forward but got a gradient");
                }
            }
            int expectedGrads = io.Keys.Count(k => k.StartsWith("grad.", StringComparison.Ordinal));
            Assert.Equal(expectedGrads, net.NamedParameters().Count(p => io.ContainsKey("grad." + p.Name)));

            foreach (var (name, b) in net.NamedBuffers())
                if (io.TryGetValue("running." + name, out var expected))
                    ModelFixtures.AssertClose(b, expected, OutputTolerance, $"{c.Name} BatchNorm {name} after the train-mode forward");
            output.WriteLine($"{c.Name} from {Path.GetFileName(file)} on {deviceName}: output rel err {outErr:E2}, worst gradient rel err {worstGrad:E2}");
        }
        finally
        {
            Tape.Clear();
            foreach (var p in net.Parameters())
                p.ZeroGrad();
        }
    }

    public static TheoryData<string> CaseNames() => new(ModelFixtures.Cases.Select(c => c.Name));

    /// <summary>
    /// Memory discipline: a forward under NoGrad, and a forward + backward, leave the device holding exactly
    /// what it held before (the weights, and after backward their gradients until ZeroGrad).
    /// </summary>
    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ForwardAndBackwardReleaseEveryIntermediate(string caseName)
    {
        var device = TestDevices.Cpu;
        var c = ModelFixtures.Case(caseName);
        var io = ModelFixtures.Io(c);
        var (net, _) = NetworkWeights.Load(device, ModelFixtures.PathOf(c.Weights.Files[2]), scale: c.Scale);
        using var __ = net;
        net.Train(c.Train);
        using var input = ModelFixtures.ToDevice(device, io["input"]);
        using var target = ModelFixtures.ToDevice(device, io["target"]);
        long baseline = device.Memory.InUseBytes;

        using (Tape.NoGrad())
        {
            var y = net.Forward(input);
            Assert.True(device.Memory.InUseBytes >= baseline + y.Length * sizeof(float), "the pool does not count the output");
            y.Dispose();
        }
        Assert.True(baseline == device.Memory.InUseBytes, $"{c.Name}: inference left {device.Memory.InUseBytes - baseline} bytes in use");

        using (Module.RecordInEvalMode())
        using (var y = net.Forward(input))
        using (var loss = Ops.L1Loss(y, target))
            loss.Backward();
        Assert.Equal(0, Tape.Count);
        long grads = net.Parameters().Where(p => p.Grad is not null).Sum(p => p.Grad!.Length * sizeof(float));
        foreach (var p in net.Parameters())
            p.ZeroGrad();
        Assert.True(baseline == device.Memory.InUseBytes,
            $"{c.Name}: a training step left {device.Memory.InUseBytes - baseline} bytes in use (gradients were {grads} bytes)");
    }

    [Fact]
    public void EveryZooNetworkHasAFixture()
    {
        var covered = ModelFixtures.Weights.Values.Select(w => w.Architecture).ToHashSet();
        // mdsr and edsr-baseline share their classes with mdsr-baseline and edsr (only defaults differ).
        foreach (var e in ModelZoo.BuiltIn.Where(e => e.Name is not ("mdsr" or "edsr-baseline")))
            Assert.True(covered.Contains(e.Name), $"no fixture for {e.Name}");
    }

    [Fact]
    public void TheThreeFilesOfEachFixtureHoldTheSameState()
    {
        foreach (var w in ModelFixtures.Weights.Values)
        {
            var states = w.Files.Select(f =>
            {
                var (net, _) = NetworkWeights.Load(TestDevices.Cpu, ModelFixtures.PathOf(f), w.Architecture, w.Scale, ModelOptions.Parse(w.Options));
                using (net)
                    return net.StateDict();
            }).ToList();
            foreach (var other in states.Skip(1))
            {
                Assert.Equal(states[0].Keys, other.Keys);
                foreach (var (k, t) in states[0])
                    Assert.True(t.Data.AsSpan().SequenceEqual(other[k].Data), $"{w.Stem}: {k} differs between files");
            }
        }
    }

    private static double Norm(float[] v) => Math.Sqrt(v.Sum(x => (double)x * x));
}
