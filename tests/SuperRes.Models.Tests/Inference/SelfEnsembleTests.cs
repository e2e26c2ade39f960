namespace SuperRes.Models.Tests.Inference;

/// <summary>
/// The x8 geometric self-ensemble: averaging the network over the 8 flips/rotations (each output mapped back)
/// leaves a network that is already symmetric unchanged, and makes any network equivariant.
/// </summary>
[Collection(NetworkCollection.Name)]
public sealed class SelfEnsembleTests(ITestOutputHelper output)
{
    [Fact]
    public void A_network_with_symmetric_kernels_is_unchanged_by_the_ensemble()
    {
        // SRCNN is all stride-1 "same" convolutions: with every kernel symmetric under flips and transposition it
        // commutes with the 8 symmetries, so each of the 8 passes gives the plain output.
        using var network = InferenceTestNetworks.Create(TestDevices.Cpu, "srcnn", 2);
        var symmetric = network.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Shape.Length == 4 ? Symmetrize(kv.Value) : kv.Value);
        network.LoadStateDict(symmetric);
        var input = InferenceTestNetworks.RandomInput(network, 11, 14);

        var plain = new Upscaler(network).UpscalePlanes(input);
        var ensemble = new Upscaler(network, new UpscaleOptions { SelfEnsemble = true }).UpscalePlanes(input);
        double difference = InferenceTestNetworks.MaxAbsDifference(plain, ensemble);
        output.WriteLine($"symmetric SRCNN: ensemble vs plain max abs difference {difference:G3}");
        Assert.True(difference <= 1e-5, $"{difference}");

        // A network without that symmetry is changed by the ensemble (so the check above can fail).
        using var generic = InferenceTestNetworks.Create(TestDevices.Cpu, "srcnn", 2);
        double genericDifference = InferenceTestNetworks.MaxAbsDifference(
            new Upscaler(generic).UpscalePlanes(input),
            new Upscaler(generic, new UpscaleOptions { SelfEnsemble = true }).UpscalePlanes(input));
        output.WriteLine($"random SRCNN: ensemble vs plain max abs difference {genericDifference:G3}");
        Assert.True(genericDifference > 1e-3);
    }

    [Theory]
    [InlineData("edsr-baseline", 2)]
    [InlineData("edsr-baseline", 3)]
    [InlineData("fsrcnn", 3)]
    public void The_ensemble_of_any_network_is_equivariant(string name, int scale)
    {
        using var network = InferenceTestNetworks.Create(TestDevices.Cpu, name, scale);
        var ensemble = new Upscaler(network, new UpscaleOptions { SelfEnsemble = true, Tile = 6 });
        var input = InferenceTestNetworks.RandomInput(network, 9, 13);
        var result = ensemble.UpscalePlanes(input);
        Assert.Equal((input.Height * scale, input.Width * scale), (result.Height, result.Width));
        double tolerance = network.Colors == Networks.ColorConvention.Rgb255 ? 2e-3 : 1e-5;
        for (int symmetry = 1; symmetry < 8; symmetry++)
        {
            // E(g·x) = g·E(x): the 8 passes are the same 8 passes in another order.
            var transformed = ensemble.UpscalePlanes(input.Transform(symmetry));
            double difference = InferenceTestNetworks.MaxAbsDifference(transformed, result.Transform(symmetry));
            Assert.True(difference <= tolerance, $"{name} x{scale} symmetry {symmetry}: {difference:G3}");
        }
    }

    /// <summary>The average of a kernel over the 8 symmetries of its square.</summary>
    private static HostTensor Symmetrize(HostTensor weight)
    {
        int outC = weight.Shape[0], inC = weight.Shape[1], k = weight.Shape[2];
        var result = new float[weight.Data.Length];
        for (int o = 0; o < outC * inC; o++)
        {
            var kernel = new Image(k, k, 1, weight.Data.AsSpan(o * k * k, k * k).ToArray());
            var sum = new double[k * k];
            for (int s = 0; s < 8; s++)
            {
                var t = kernel.Transform(s);
                for (int i = 0; i < k * k; i++)
                    sum[i] += t.Data[i];
            }
            for (int i = 0; i < k * k; i++)
                result[o * k * k + i] = (float)(sum[i] / 8);
        }
        return new HostTensor(weight.Shape, result);
    }
}
