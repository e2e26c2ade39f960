using System.Diagnostics;

namespace SuperRes.Models.Tests.Zoo;

/// <summary>
/// The FULL-size zoo networks: trainable parameter counts equal the published figures (and the PyTorch
/// definitions of make_model_fixtures.py, recorded in manifest.json), and one small forward pass each.
/// </summary>
[Collection(NetworkCollection.Name)]
public sealed class FullSizeNetworkTests(ITestOutputHelper output)
{
    public static TheoryData<string, int, long> PublishedCounts() => new()
    {
        { "edsr-baseline", 2, 1_369_859 }, { "edsr-baseline", 3, 1_554_499 }, { "edsr-baseline", 4, 1_517_571 },
        { "edsr", 2, 40_729_603 }, { "edsr", 3, 43_680_003 }, { "edsr", 4, 43_089_923 },
        { "mdsr-baseline", 2, 3_227_203 }, { "mdsr", 2, 7_953_987 },
        { "msrn", 2, 5_930_307 }, { "msrn", 3, 6_114_947 }, { "msrn", 4, 6_078_019 },
        { "rcan", 2, 15_444_643 }, { "rcan", 3, 15_629_283 }, { "rcan", 4, 15_592_355 },
        // SRCNN 9-5-5, 64/32 filters, Y: 9·9·64+64 + 5·5·64·32+32 + 5·5·32+1.
        { "srcnn", 3, 57_281 },
    };

    [Theory]
    [MemberData(nameof(PublishedCounts))]
    public void ParameterCountMatchesThePaper(string model, int scale, long published)
    {
        using var net = ModelZoo.Create(TestDevices.Cpu, model, scale);
        Assert.Equal(published, net.ParameterCount());
        // Keyed "name xS", or just "name" where the scale does not change the weights (MDSR, SRCNN).
        string key = ModelZoo.Find(model).IsMultiScale || model == "srcnn" ? model : $"{model} x{scale}";
        Assert.Equal(ModelFixtures.FullParameterCount(key), net.ParameterCount());
        output.WriteLine($"{model} x{scale}: {net.ParameterCount():N0} trainable parameters");
    }

    [Fact]
    public void MdsrCountIsTheSameWhicheverScaleIsSelected()
    {
        using var a = ModelZoo.Create(TestDevices.Cpu, "mdsr-baseline", 2);
        using var b = ModelZoo.Create(TestDevices.Cpu, "mdsr-baseline", 4);
        Assert.Equal(a.ParameterCount(), b.ParameterCount());
        Assert.Equal(a.StateDict().Keys, b.StateDict().Keys);
    }

    [Fact]
    public void FsrcnnHas12464ConvolutionWeights()
    {
        using var net = ModelZoo.Create(TestDevices.Cpu, "fsrcnn", 3);
        long convWeights = net.Modules().Sum(m => m switch
        {
            Conv2d c => c.Weight.Length,
            ConvTranspose2d t => t.Weight.Length,
            _ => 0L,
        });
        Assert.Equal(12_464, convWeights);
        Assert.Equal(ModelFixtures.FullParameterCount("fsrcnn conv weights"), convWeights);
        // All trainable scalars (weights, biases, per-channel PReLU slopes) agree with PyTorch's definition.
        Assert.Equal(ModelFixtures.FullParameterCount("fsrcnn x3"), net.ParameterCount());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void SrResNetCountFollowsFromItsDefinition(int scale)
    {
        const int f = 64, blocks = 16;
        long conv1 = 3 * f * 81 + f + 1;                              // 9×9 conv + bias, one PReLU slope
        long block = 2 * (f * f * 9) + 2 * (2 * f) + 1;               // two bias-free convs, two BN (γ, β), a PReLU
        long conv2 = f * f * 9 + 2 * f;                               // bias-free conv + BN
        long upsample = (f * 4 * f * 9 + 4 * f + 1) * (scale / 2);    // conv F→4F + bias, PReLU, per ×2 stage
        long conv3 = f * 3 * 81 + 3;
        long expected = conv1 + blocks * block + conv2 + upsample + conv3;
        using var net = ModelZoo.Create(TestDevices.Cpu, "srresnet", scale);
        Assert.Equal(expected, net.ParameterCount());
        Assert.Equal(ModelFixtures.FullParameterCount($"srresnet x{scale}"), net.ParameterCount());
        if (scale == 4)
            Assert.Equal(1_547_350, expected);
        output.WriteLine($"srresnet x{scale}: {expected:N0} trainable parameters (PyTorch: {ModelFixtures.FullParameterCount($"srresnet x{scale}"):N0})");
    }

    /// <summary>
    /// One small forward per full-size network on the Cpu device: the output is scale× the input, all finite.
    /// The Cpu reference convolution costs about the same per image row whatever the row's width, and the
    /// big networks have hundreds of millions of weight·row products per row: their inputs are one or two
    /// rows high (still with a border on every side, so every padding path runs).
    /// </summary>
    [Theory]
    [InlineData("edsr-baseline", 4, 3, 4)]
    [InlineData("edsr", 2, 1, 2)]
    [InlineData("mdsr-baseline", 3, 3, 4)]
    [InlineData("mdsr", 4, 2, 3)]
    [InlineData("msrn", 3, 2, 3)]
    [InlineData("rcan", 2, 1, 3)]
    [InlineData("srresnet", 4, 4, 3)]
    [InlineData("fsrcnn", 3, 6, 5)]
    [InlineData("srcnn", 2, 6, 5)]
    public void FullSizeForwardGivesTheScaledShape(string model, int scale, int h, int w)
    {
        var device = TestDevices.Cpu;
        var sw = Stopwatch.StartNew();
        using var net = ModelZoo.Create(device, model, scale);
        net.Eval();
        long built = sw.ElapsedMilliseconds;
        int channels = net.Colors == ColorConvention.Y01 ? 1 : 3;
        if (net.NeedsPreUpsampledInput)
            (h, w) = (h * scale, w * scale);
        var data = new float[channels * h * w];
        var rng = new Random(7);
        float range = net.Colors == ColorConvention.Rgb255 ? 255f : 1f;
        for (int i = 0; i < data.Length; i++)
            data[i] = (float)rng.NextDouble() * range;
        using var x = Tensor.FromArray(device, new Shape(1, channels, h, w), data);
        using (Tape.NoGrad())
        {
            using var y = net.Forward(x);
            int outH = net.NeedsPreUpsampledInput ? h : h * scale, outW = net.NeedsPreUpsampledInput ? w : w * scale;
            Assert.Equal(new[] { 1, channels, outH, outW }, y.Shape.Dims.ToArray());
            Assert.All(y.ToArray(), v => Assert.True(float.IsFinite(v)));
        }
        Assert.Equal(0, Tape.Count);
        output.WriteLine($"{model} x{scale}: built in {built} ms, forward in {sw.ElapsedMilliseconds - built} ms");
    }
}
