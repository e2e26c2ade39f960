using SuperRes.Models.Modules;
using SuperRes.Models.Weights;

namespace SuperRes.Models.Tests.Zoo;

/// <summary>The SRGAN discriminator and VGG19 features: sizes, layer names, weight files and their errors.</summary>
[Collection(NetworkCollection.Name)]
public sealed class SrganNetworkTests
{
    [Fact]
    public void FullSizeNetworksHaveThePyTorchParameterCounts()
    {
        // Counted on the PyTorch definitions of tests/fixtures/torch_gan_models.py (the paper's discriminator;
        // torchvision's vgg19().features).
        using var d = new SrganDiscriminator(TestDevices.Cpu);
        Assert.Equal(23_563_649, d.ParameterCount());
        using var vgg = new Vgg19Features(TestDevices.Cpu, Vgg19Features.ModuleCount);
        Assert.Equal(20_024_384, vgg.ParameterCount());
    }

    [Fact]
    public void DiscriminatorKeysFollowSrganPyTorch()
    {
        using var d = new SrganDiscriminator(TestDevices.Cpu, ModelOptions.Parse("features=2,hidden=3"));
        var keys = d.NamedState().Select(s => s.Name).ToList();
        Assert.Equal(["features.0.weight", "features.0.bias", "features.2.weight", "features.3.weight", "features.3.bias",
                      "features.3.running_mean", "features.3.running_var"], keys.Take(7));
        Assert.Equal(["features.21.running_var", "classifier.0.weight", "classifier.0.bias", "classifier.2.weight", "classifier.2.bias"], keys.TakeLast(5));
        Assert.Equal([3, 16 * 36], d.NamedParameters().Single(p => p.Name == "classifier.0.weight").Value.Shape.ToArray());
    }

    [Theory]
    [InlineData(96)]
    [InlineData(128)] // 8×8 maps, pooled to 6×6
    [InlineData(40)] // 3×3 maps, spread over 6×6
    [InlineData(17)]
    public void DiscriminatorGivesOneLogitPerImageAtAnySize(int side)
    {
        using var d = new SrganDiscriminator(TestDevices.Cpu, ModelOptions.Parse("features=2,hidden=4"));
        using var x = Tensor.Full(TestDevices.Cpu, Shape.Nchw(3, 3, side, side + 1), 0.5f);
        using var y = d.Forward(x);
        Assert.Equal([3, 1], y.Shape.ToArray());
    }

    [Fact]
    public void DiscriminatorRefusesWhatItCannotTake()
    {
        using var d = new SrganDiscriminator(TestDevices.Cpu, ModelOptions.Parse("features=2,hidden=4"));
        using var gray = Tensor.Zeros(TestDevices.Cpu, Shape.Nchw(1, 1, 96, 96));
        Assert.Contains("[1×1×96×96]", Assert.Throws<SuperResException>(() => d.Forward(gray)).Message);
        using var tiny = Tensor.Zeros(TestDevices.Cpu, Shape.Nchw(1, 3, 15, 96));
        Assert.Contains("16×16", Assert.Throws<SuperResException>(() => d.Forward(tiny)).Message);
        Assert.Contains("blocks", Assert.Throws<SuperResException>(() => new SrganDiscriminator(TestDevices.Cpu, ModelOptions.Parse("blocks=3"))).Message);
    }

    [Fact]
    public void DiscriminatorWeightsRoundTripWithTheirOptions()
    {
        using var dir = new TempDir("srgan");
        using var d = new SrganDiscriminator(TestDevices.Cpu, ModelOptions.Parse("features=2,hidden=5"));
        foreach (var name in new[] { "d.safetensors", "d.pt" })
        {
            string path = dir.File(name);
            ModuleWeights.Save(d, path, d.Metadata());
            // safetensors carry the options; a PyTorch checkpoint needs them.
            using var back = name.EndsWith(".pt", StringComparison.Ordinal)
                ? ModuleWeights.LoadDiscriminator(TestDevices.Cpu, path, ModelOptions.Parse("features=2,hidden=5"))
                : ModuleWeights.LoadDiscriminator(TestDevices.Cpu, path);
            Assert.Equal(5, back.Hidden);
            foreach (var ((key, a), (_, b)) in d.NamedState().Zip(back.NamedState()))
                Assert.True(a.ToArray().SequenceEqual(b.ToArray()), $"{name}: {key} differs after the round trip");
        }
    }

    [Fact]
    public void LoadingTheWrongWeightsNamesTheFileAndTheKeys()
    {
        using var dir = new TempDir("srgan");
        string generator = SrganFixtureTests.PathOf("generator_zip.pt");
        var mismatch = Assert.Throws<StateDictMismatchException>(() => ModuleWeights.LoadDiscriminator(TestDevices.Cpu, generator));
        Assert.Contains(generator, mismatch.Message);
        Assert.Contains("classifier.0.weight", mismatch.Message);

        string srresnet = dir.File("srresnet.safetensors");
        using (var net = ModelZoo.Create(TestDevices.Cpu, "srresnet", 2, ModelOptions.Parse("blocks=1,features=4")))
            NetworkWeights.SaveSafetensors(net, srresnet);
        Assert.Contains("holds srresnet weights", Assert.Throws<SuperResException>(() => ModuleWeights.LoadDiscriminator(TestDevices.Cpu, srresnet)).Message);

        // Paper-size options against the reduced fixture: every shape differs.
        string reduced = SrganFixtureTests.PathOf("discriminator_zip.pt");
        Assert.Contains("shape mismatches", Assert.Throws<StateDictMismatchException>(() => ModuleWeights.LoadDiscriminator(TestDevices.Cpu, reduced)).Message);
    }

    [Theory]
    [InlineData("relu5_4", 36)] // the SRGAN paper's φ5,4
    [InlineData("vgg54", 36)]
    [InlineData("conv5_4", 35)] // ESRGAN: before the activation
    [InlineData("vgg22", 9)]
    [InlineData("relu1_1", 2)]
    [InlineData("conv3_4", 17)]
    [InlineData("pool4", 28)]
    [InlineData("pool5", 37)]
    [InlineData(" ReLU5_4 ", 36)]
    [InlineData("20", 20)]
    public void VggLayerNamesMapToTorchvisionIndices(string name, int layers) => Assert.Equal(layers, Vgg19Features.LayersFor(name));

    [Theory]
    [InlineData("relu1_3")]
    [InlineData("conv6_1")]
    [InlineData("vgg55")]
    [InlineData("pool")]
    [InlineData("0")]
    [InlineData("38")]
    [InlineData("fc7")]
    public void UnknownVggLayersAreRefusedByName(string name) =>
        Assert.Contains($"'{name}'", Assert.Throws<SuperResException>(() => Vgg19Features.LayersFor(name)).Message);

    [Fact]
    public void VggLossRefusesAFileThatIsNotVgg19()
    {
        string generator = SrganFixtureTests.PathOf("generator_zip.pt");
        Assert.Contains("features.0.weight", Assert.Throws<SuperResException>(() => VggFeatureLoss.Load(TestDevices.Cpu, generator)).Message);

        // A truncated VGG: the deeper layers the cut needs are missing.
        using var dir = new TempDir("vgg");
        string shallow = dir.File("shallow.safetensors");
        using (var vgg = new Vgg19Features(TestDevices.Cpu, 9, widthDivisor: 16))
            ModuleWeights.Save(vgg, shallow);
        var error = Assert.Throws<SuperResException>(() => VggFeatureLoss.Load(TestDevices.Cpu, shallow, "relu5_4"));
        Assert.Contains("features.34.weight", error.Message);
        using var ok = VggFeatureLoss.Load(TestDevices.Cpu, shallow, "vgg22");
        Assert.Equal(9, ok.Network.Layers);
        Assert.Equal(8, ok.Network.OutputChannels);
    }

    [Fact]
    public void FrozenModulesPassGradientsToTheirInputOnly()
    {
        using var d = new SrganDiscriminator(TestDevices.Cpu, ModelOptions.Parse("features=2,hidden=4"));
        d.SetRequiresGrad(false);
        using var x = Tensor.Full(TestDevices.Cpu, Shape.Nchw(2, 3, 32, 32), 0.25f, requiresGrad: true);
        using (var y = d.Forward(x))
        using (var loss = Ops.BceWithLogitsLoss(y, 1f))
            loss.Backward();
        Assert.NotNull(x.Grad);
        Assert.All(d.Parameters(), p => Assert.Null(p.Grad));
        d.SetRequiresGrad(true);
        Assert.All(d.Parameters(), p => Assert.True(p.RequiresGrad));
    }
}
