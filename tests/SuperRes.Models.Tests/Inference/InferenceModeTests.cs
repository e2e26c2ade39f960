namespace SuperRes.Models.Tests.Inference;

/// <summary>
/// Inference mode records nothing: after <see cref="Module.Eval"/> a plain forward builds no tape and frees
/// each intermediate when it is dead, so its peak memory is a few activations, not the whole recorded graph;
/// the output is unchanged.
/// </summary>
[Collection(NetworkCollection.Name)]
public sealed class InferenceModeTests(ITestOutputHelper output)
{
    private const int Features = 16, Side = 24;

    private static SrNetwork SmallEdsr(int blocks = 6)
    {
        Init.Seed(11);
        return ModelZoo.Create(TestDevices.Cpu, "edsr-baseline", 2, ModelOptions.Parse($"blocks={blocks},features={Features}"));
    }

    private static Tensor Input(Device device)
    {
        var rng = new Random(3);
        var data = new float[3 * Side * Side];
        for (int i = 0; i < data.Length; i++)
            data[i] = rng.NextSingle() * 255f;
        return Tensor.FromArray(device, new Shape(1, 3, Side, Side), data);
    }

    /// <summary>Peak bytes the pool held above its level before the forward, and the output.</summary>
    private static (long Peak, float[] Output) MeasuredForward(SrNetwork network, Tensor x)
    {
        var memory = network.Device.Memory;
        long before = memory.InUseBytes;
        memory.ResetPeak();
        using var y = network.Forward(x);
        long peak = memory.PeakInUseBytes - before;
        var values = y.ToArray();
        Tape.Clear();
        return (peak, values);
    }

    [Fact]
    public void An_eval_forward_leaves_the_tape_empty_and_a_training_forward_records()
    {
        using var network = SmallEdsr();
        using var x = Input(network.Device);
        Tape.Clear();
        using (var y = network.Forward(x))
        {
            Assert.True(Tape.Count > 0, "a training-mode forward must record the tape");
            Assert.True(y.RequiresGrad);
        }
        Tape.Clear();

        network.Eval();
        using (var y = network.Forward(x))
        {
            Assert.Equal(0, Tape.Count);
            Assert.False(y.RequiresGrad);
        }
        using (Module.RecordInEvalMode())
        using (network.Forward(x))
            Assert.True(Tape.Count > 0, "RecordInEvalMode lets an eval-mode forward record");
        Tape.Clear();
    }

    [Fact]
    public void An_eval_forward_peaks_at_a_few_activations_and_gives_the_same_output()
    {
        using var shallow = SmallEdsr(blocks: 2);
        using var deep = SmallEdsr(blocks: 16);
        using var x = Input(deep.Device);
        var (recording, trained) = MeasuredForward(deep, x);
        deep.Eval();
        shallow.Eval();
        var (inference, evaluated) = MeasuredForward(deep, x);
        var (shallowInference, _) = MeasuredForward(shallow, x);

        long activation = (long)Features * Side * Side * sizeof(float);
        output.WriteLine($"peak above the weights, 16 blocks: recording {recording:N0} bytes, eval {inference:N0} bytes " +
                         $"({(double)inference / activation:F1} activations of {activation:N0}); eval with 2 blocks {shallowInference:N0}");
        Assert.Equal(trained, evaluated); // EDSR has no BatchNorm: both modes compute the same thing
        // What an eval forward holds at its peak (a convolution's input, its workspace and output, the global skip)
        // does not grow with depth; the recorded graph does.
        Assert.Equal(shallowInference, inference);
        Assert.True(inference * 3 < recording, $"eval peak {inference:N0} is not far below the recording peak {recording:N0}");
    }

    [Fact]
    public void Edsr_baseline_x2_inference_peaks_under_three_of_its_largest_activations()
    {
        const int side = 128;
        Init.Seed(5);
        using var network = ModelZoo.Create(TestDevices.Cpu, "edsr-baseline", 2);
        network.Eval();
        var rng = new Random(4);
        var data = new float[3 * side * side];
        for (int i = 0; i < data.Length; i++)
            data[i] = rng.NextSingle() * 255f;
        using var x = Tensor.FromArray(network.Device, new Shape(1, 3, side, side), data);
        var (peak, _) = MeasuredForward(network, x);

        // The largest activation: the upsampled 64-channel feature map the last convolution reads.
        long largest = 64L * (2 * side) * (2 * side) * sizeof(float);
        output.WriteLine($"EDSR-baseline x2 on 1×3×{side}×{side}, eval: peak {peak:N0} bytes above the weights and input " +
                         $"= {(double)peak / largest:F2} × the largest activation ({largest:N0})");
        Assert.True(peak <= 3 * largest, $"eval peak {peak:N0} bytes is more than 3 × the largest activation ({largest:N0})");
    }
}
