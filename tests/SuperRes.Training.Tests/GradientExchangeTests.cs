using SuperRes.Models.Modules;
using SuperRes.Models.Networks;
using SuperRes.Tensors;
using SuperRes.Training.Distributed;

namespace SuperRes.Training.Tests;

/// <summary>The fixed summation tree, rank slices of batches, and one rank's side of a data-parallel step.</summary>
public sealed class GradientExchangeTests
{
    private static float[] RandomVector(Random rng, int length) =>
        Enumerable.Range(0, length).Select(_ => (float)((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-4, 5)))).ToArray();

    [Fact]
    public void Tree_over_power_of_two_groups_is_the_tree_of_the_groups_trees()
    {
        var rng = new Random(5);
        var parts = Enumerable.Range(0, 8).Select(_ => RandomVector(rng, 999)).ToArray();
        float[] Tree(IEnumerable<float[]> vectors)
        {
            var copies = vectors.Select(v => (Memory<float>)v.ToArray()).ToArray();
            OrderedSum.Tree(copies);
            return copies[0].ToArray();
        }
        var whole = Tree(parts);
        foreach (int groups in new[] { 2, 4, 8 })
        {
            int k = parts.Length / groups;
            var ofGroups = Tree(Enumerable.Range(0, groups).Select(g => Tree(parts.Skip(g * k).Take(k))));
            Assert.Equal(whole.Select(BitConverter.SingleToInt32Bits), ofGroups.Select(BitConverter.SingleToInt32Bits));
        }
        // The data is sensitive to the order: a left-to-right sum differs, so the equality above is not trivial.
        var sequential = new float[999];
        foreach (var p in parts)
            for (int i = 0; i < p.Length; i++)
                sequential[i] += p[i];
        Assert.NotEqual(whole.Select(BitConverter.SingleToInt32Bits), sequential.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void A_ranks_rows_are_the_rows_of_the_global_batch()
    {
        using var dir = new TempDir("rows");
        var data = TrainingData.Load(TinyData.Create(dir.Sub("data"), count: 3), null, [2], new DataConvention(ColorConvention.Rgb255, false), 8);
        var sampler = new BatchSampler(data, 6, 8, seed: 3);
        var whole = sampler.Make(17);
        var part = sampler.MakeRows(17, 2, 3);
        Assert.Equal([3, 3, 8, 8], part.InputShape);
        Assert.Equal(whole.Rows(2, 3).Input, part.Input);
        Assert.Equal(whole.Rows(2, 3).Target, part.Target);
        Assert.Equal(whole.Input.AsSpan(2 * 3 * 64, 3 * 3 * 64).ToArray(), part.Input);
    }

    /// <summary>Forward and backward of the network's L1 loss on a batch; returns the loss.</summary>
    private static float ForwardBackward(Module network, Device device, Batch batch)
    {
        using var x = Tensor.FromArray(device, new Shape(batch.InputShape), batch.Input);
        using var y = Tensor.FromArray(device, new Shape(batch.TargetShape), batch.Target);
        using var prediction = network.Forward(x);
        using var loss = Ops.L1Loss(prediction, y);
        loss.Backward();
        return loss.ToArray()[0];
    }

    private static Batch RandomBatch(int n, int channels, int side, int scale)
    {
        var rng = new Random(9);
        var input = Enumerable.Range(0, n * channels * side * side).Select(_ => (float)rng.NextDouble()).ToArray();
        var target = Enumerable.Range(0, n * channels * side * side * scale * scale).Select(_ => (float)rng.NextDouble()).ToArray();
        return new Batch(1, scale, [n, channels, side, side], input, [n, channels, side * scale, side * scale], target);
    }

    [Theory]
    [InlineData("fsrcnn", "d=8,s=4,m=1", 1)]
    [InlineData("srresnet", "blocks=1,features=8", 3)]
    public void Two_slices_give_the_mean_of_the_slice_gradients_and_statistics(string model, string options, int channels)
    {
        using var device = TestDevices.NewCpu();
        Init.Seed(4);
        using var network = ModelZoo.Create(device, model, 2, ModelOptions.Parse(options));
        network.Train();
        var batch = RandomBatch(4, channels, 8, 2);
        var start = network.StateDict();

        // By hand: each half from the same starting state, gradients and running statistics kept apart.
        var expectedGrads = new Dictionary<string, float[]>();
        var expectedBuffers = new Dictionary<string, float[]>();
        var halves = new List<(float Loss, Dictionary<string, float[]> Grads, Dictionary<string, float[]> Buffers)>();
        foreach (int first in new[] { 0, 2 })
        {
            network.LoadStateDict(start, strict: true);
            float loss = ForwardBackward(network, device, batch.Rows(first, 2));
            var grads = network.NamedParameters().ToDictionary(p => p.Name, p => p.Value.Grad!.ToArray());
            foreach (var (_, p) in network.NamedParameters())
                p.ZeroGrad();
            halves.Add((loss, grads, network.NamedBuffers().ToDictionary(b => b.Name, b => b.Value.ToArray())));
        }
        static float[] Mean(float[] a, float[] b) => a.Zip(b, (x, y) => (x + y) * 0.5f).ToArray();
        foreach (var name in halves[0].Grads.Keys)
            expectedGrads[name] = Mean(halves[0].Grads[name], halves[1].Grads[name]);
        foreach (var name in halves[0].Buffers.Keys)
            expectedBuffers[name] = Mean(halves[0].Buffers[name], halves[1].Buffers[name]);

        network.LoadStateDict(start, strict: true);
        var exchange = new GradientExchange(network, SingleProcess.Instance, slices: 2);
        Assert.Equal((0, 4), exchange.RankRows(4));
        var (meanLoss, stop) = exchange.Step(batch, b => ForwardBackward(network, device, b), stopRequested: false);

        Assert.False(stop);
        Assert.Equal((halves[0].Loss + halves[1].Loss) * 0.5f, meanLoss);
        foreach (var (name, p) in network.NamedParameters())
            Assert.True(expectedGrads[name].SequenceEqual(p.Grad!.ToArray()), $"gradient of {name}");
        Assert.Equal(model == "srresnet", expectedBuffers.Count > 0);
        foreach (var (name, b) in network.NamedBuffers())
            Assert.True(expectedBuffers[name].SequenceEqual(b.ToArray()), $"running statistic {name}");
    }

    [Fact]
    public void Slices_must_be_a_multiple_of_the_ranks()
    {
        using var device = TestDevices.NewCpu();
        using var network = ModelZoo.Create(device, "fsrcnn", 2, ModelOptions.Parse("d=8,s=4,m=1"));
        Assert.Throws<SuperResException>(() => new GradientExchange(network, SingleProcess.Instance, slices: 0));
    }
}
