using SuperRes.Models.Modules;
using SuperRes.Models.Weights;
using SuperRes.Tensors.Autograd;
using Xunit.Abstractions;

namespace SuperRes.Models.Tests.Zoo;

/// <summary>
/// The SRGAN discriminator, one full GAN step (SRResNet generator + discriminator) and the VGG19 feature loss against
/// PyTorch: tests/fixtures/srgan/, made by tests/fixtures/make_srgan_fixtures.py (definitions in
/// tests/fixtures/torch_gan_models.py). Relative error ≤ 1e-4 for outputs, losses and every gradient.
/// </summary>
[Collection(NetworkCollection.Name)]
public sealed class SrganFixtureTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    // The reduced networks of the fixtures.
    private static readonly ModelOptions DiscriminatorOptions = ModelOptions.Parse("features=4,hidden=16");
    private static readonly ModelOptions GeneratorOptions = ModelOptions.Parse("blocks=2,features=8");

    public static string PathOf(string name) => TestPaths.Fixture("srgan", name);

    private static IReadOnlyDictionary<string, HostTensor> Io(string name) => Safetensors.Read(PathOf(name)).Tensors;

    public static TheoryData<int, string> DiscriminatorCases() => new() { { 96, "cpu" }, { 96, "opencl" }, { 112, "cpu" }, { 112, "opencl" } };

    [Theory]
    [MemberData(nameof(DiscriminatorCases))]
    public void DiscriminatorMatchesPyTorchInBothModes(int side, string deviceName)
    {
        var device = TestDevices.ByName(deviceName, output);
        if (device is null)
            return;
        var io = Io("discriminator.io.safetensors");
        using var d = ModuleWeights.LoadDiscriminator(device, PathOf("discriminator_zip.pt"), DiscriminatorOptions);
        using var x = Tensor.FromArray(device, io[$"input_{side}"].Shape, io[$"input_{side}"].Data, requiresGrad: true);

        // Eval first: the train-mode forward moves the running statistics PyTorch's eval output was computed with.
        d.Eval();
        using (var logits = d.Forward(x))
            ModelFixtures.AssertClose(logits, io[$"eval_{side}"], Tolerance, $"eval logits {side}² ({deviceName})");

        d.Train();
        using var trainLogits = d.Forward(x);
        ModelFixtures.AssertClose(trainLogits, io[$"train_{side}"], Tolerance, $"train logits {side}² ({deviceName})");
        using var upstream = ModelFixtures.ToDevice(device, io[$"upstream_{side}"]);
        Tape.Backward(trainLogits, upstream);
        ModelFixtures.AssertClose(x.Grad!, io[$"grad_input_{side}"], Tolerance, $"input gradient {side}² ({deviceName})");
        double worst = AssertGradients(d, io, $"grad_{side}.", deviceName);
        output.WriteLine($"discriminator {side}² on {deviceName}: worst gradient relative error {worst:E2}");
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("opencl")]
    public void OneGanStepMatchesPyTorch(string deviceName)
    {
        var device = TestDevices.ByName(deviceName, output);
        if (device is null)
            return;
        var io = Io("gan_step.io.safetensors");
        var (g, _) = NetworkWeights.Load(device, PathOf("generator_zip.pt"), "srresnet", 4, GeneratorOptions);
        using var generator = g;
        using var d = ModuleWeights.LoadDiscriminator(device, PathOf("discriminator_zip.pt"), DiscriminatorOptions);
        generator.Train();
        d.Train();
        using var lr = ModelFixtures.ToDevice(device, io["lr"]);
        using var hr = ModelFixtures.ToDevice(device, io["hr"]);

        // Generator step: content MSE + 1e-3 · BCE(D(G(lr)), real), the discriminator held fixed.
        using var sr = generator.Forward(lr);
        ModelFixtures.AssertClose(sr, io["sr"], Tolerance, $"sr ({deviceName})");
        d.SetRequiresGrad(false);
        using (var fakeForG = d.Forward(sr))
        using (var content = Ops.MseLoss(sr, hr))
        using (var adversarial = Ops.BceWithLogitsLoss(fakeForG, 1f))
        using (var weighted = Ops.Scale(adversarial, 1e-3f))
        using (var gLoss = Ops.Add(content, weighted))
        {
            ModelFixtures.AssertClose(fakeForG, io["fake_logits_g"], Tolerance, $"D(G(lr)) ({deviceName})");
            ModelFixtures.AssertClose(content, io["content_loss"], Tolerance, "content loss");
            ModelFixtures.AssertClose(adversarial, io["adversarial_loss"], Tolerance, "adversarial loss");
            ModelFixtures.AssertClose(gLoss, io["g_loss"], Tolerance, "generator loss");
            gLoss.Backward();
        }
        Assert.All(d.Parameters(), p => Assert.Null(p.Grad));
        double worstG = AssertGradients(generator, io, "grad_g.", deviceName);

        // Discriminator step: BCE(D(hr), real) + BCE(D(sr detached), fake).
        d.SetRequiresGrad(true);
        using var detached = sr.Clone();
        using (var real = d.Forward(hr))
        using (var fake = d.Forward(detached))
        using (var realLoss = Ops.BceWithLogitsLoss(real, 1f))
        using (var fakeLoss = Ops.BceWithLogitsLoss(fake, 0f))
        using (var dLoss = Ops.Add(realLoss, fakeLoss))
        {
            ModelFixtures.AssertClose(real, io["real_logits"], Tolerance, $"D(hr) ({deviceName})");
            ModelFixtures.AssertClose(fake, io["fake_logits"], Tolerance, $"D(sr) ({deviceName})");
            ModelFixtures.AssertClose(dLoss, io["d_loss"], Tolerance, "discriminator loss");
            dLoss.Backward();
        }
        double worstD = AssertGradients(d, io, "grad_d.", deviceName);
        output.WriteLine($"GAN step on {deviceName}: worst gradient relative error generator {worstG:E2}, discriminator {worstD:E2}");
    }

    public static TheoryData<string, string, string> VggCases() => new()
    {
        { "relu5_4", "mse", "cpu" }, { "relu5_4", "mse", "opencl" }, { "conv5_4", "l1", "cpu" }, { "conv5_4", "l1", "opencl" },
    };

    [Theory]
    [MemberData(nameof(VggCases))]
    public void VggFeatureLossAndItsGradientMatchPyTorch(string layer, string distance, string deviceName)
    {
        var device = TestDevices.ByName(deviceName, output);
        if (device is null)
            return;
        var io = Io("vgg.io.safetensors");
        using var loss = VggFeatureLoss.Load(device, PathOf("vgg19_tiny_zip.pt"), layer, distance == "mse" ? FeatureDistance.Mse : FeatureDistance.L1);
        Assert.Equal(Vgg19Features.LayersFor(layer), loss.Network.Layers);
        Assert.Equal(16, loss.Network.WidthDivisor);
        using var sr = Tensor.FromArray(device, io["sr"].Shape, io["sr"].Data, requiresGrad: true);
        using var hr = ModelFixtures.ToDevice(device, io["hr"]);
        using (var value = loss.Compute(sr, hr))
        {
            ModelFixtures.AssertClose(value, io[$"{layer}_{distance}"], Tolerance, $"vgg loss {layer} {distance} ({deviceName})");
            value.Backward();
        }
        ModelFixtures.AssertClose(sr.Grad!, io[$"grad.{layer}_{distance}"], Tolerance, $"vgg loss gradient {layer} {distance} ({deviceName})");
        Assert.All(loss.Network.Parameters(), p => Assert.Null(p.Grad));
    }

    /// <summary>Every parameter's gradient against PyTorch's (prefix + parameter name); the worst relative error.</summary>
    private static double AssertGradients(Module module, IReadOnlyDictionary<string, HostTensor> io, string prefix, string deviceName)
    {
        double worst = 0;
        int compared = 0;
        foreach (var (name, p) in module.NamedParameters())
        {
            Assert.True(io.TryGetValue(prefix + name, out var expected), $"PyTorch has no gradient {prefix}{name}");
            Assert.True(p.Grad is not null, $"{prefix}{name} got no gradient");
            worst = Math.Max(worst, ModelFixtures.AssertClose(p.Grad!, expected, Tolerance, $"{prefix}{name} ({deviceName})"));
            compared++;
        }
        Assert.Equal(io.Keys.Count(k => k.StartsWith(prefix, StringComparison.Ordinal)), compared);
        return worst;
    }
}
