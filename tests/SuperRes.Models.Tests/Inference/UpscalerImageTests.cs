namespace SuperRes.Models.Tests.Inference;

/// <summary>Image in, image out: colour conventions, gray, alpha and bit depth.</summary>
[Collection(NetworkCollection.Name)]
public sealed class UpscalerImageTests
{
    private static Image RandomImage(int width, int height, int channels, int bitDepth = 8, int seed = 5)
    {
        var image = new Image(width, height, channels, bitDepth);
        var rng = new Random(seed);
        for (int i = 0; i < image.Data.Length; i++)
            image.Data[i] = rng.Next((int)image.MaxValue + 1);
        return image;
    }

    private static float[] Forward(SrNetwork network, Shape shape, float[] data)
    {
        using var _ = Tape.NoGrad();
        using var x = Tensor.FromArray(network.Device, shape, data);
        using var y = network.Forward(x);
        return y.ToArray();
    }

    [Theory]
    [InlineData("edsr-baseline", 255f)]
    [InlineData("srresnet", 1f)]
    public void Rgb_networks_get_rgb_in_their_range(string name, float range)
    {
        using var network = InferenceTestNetworks.Create(TestDevices.Cpu, name, 2);
        using var upscaler = new Upscaler(network);
        foreach (int bitDepth in new[] { 8, 16 })
        {
            var image = RandomImage(17, 13, 3, bitDepth);
            var result = upscaler.Upscale(image, quantize: false);
            Assert.Equal((34, 26, 3, bitDepth), (result.Width, result.Height, result.Channels, result.BitDepth));
            var expected = Forward(network, new Shape(1, 3, 13, 17), image.Data.Select(v => v * range / image.MaxValue).ToArray());
            for (int i = 0; i < expected.Length; i++)
                Assert.Equal(expected[i] * image.MaxValue / range, result.Data[i], image.MaxValue * 1e-5f);
            var quantized = upscaler.Upscale(image);
            Assert.All(quantized.Data, v => Assert.True(v == MathF.Round(v) && v >= 0 && v <= image.MaxValue));
        }
    }

    [Fact]
    public void Gray_and_alpha_keep_their_channels_and_alpha_is_bicubic()
    {
        using var network = InferenceTestNetworks.Create(TestDevices.Cpu, "edsr-baseline", 3);
        using var upscaler = new Upscaler(network);
        var gray = RandomImage(17, 13, 1);
        var upGray = upscaler.Upscale(gray);
        Assert.Equal((51, 39, 1), (upGray.Width, upGray.Height, upGray.Channels));

        // Gray through an RGB network: the mean of the three output channels of the gray image as RGB.
        var asRgb = upscaler.Upscale(gray.ToRgb(), quantize: false);
        var grayUnquantized = upscaler.Upscale(gray, quantize: false);
        int n = asRgb.PlaneSize;
        for (int i = 0; i < n; i++)
            Assert.Equal((asRgb.Data[i] + asRgb.Data[n + i] + asRgb.Data[2 * n + i]) / 3, grayUnquantized.Data[i], 1e-3f);

        foreach (int channels in new[] { 2, 4 })
        {
            var image = RandomImage(17, 13, channels);
            var result = upscaler.Upscale(image);
            Assert.Equal((51, 39, channels), (result.Width, result.Height, result.Channels));
            var alpha = Resize.Bicubic(image.SelectChannels(channels - 1, 1), 51, 39).Quantized();
            Assert.Equal(alpha.Data, result.SelectChannels(channels - 1, 1).Data);
            var color = upscaler.Upscale(image.WithoutAlpha());
            Assert.Equal(color.Data, result.WithoutAlpha().Data);
        }
    }

    [Fact]
    public void Alpha_can_go_through_the_network()
    {
        using var network = InferenceTestNetworks.Create(TestDevices.Cpu, "edsr-baseline", 2);
        using var upscaler = new Upscaler(network, new UpscaleOptions { AlphaWithNetwork = true });
        var image = RandomImage(17, 13, 4);
        var result = upscaler.Upscale(image);
        var alphaAsGray = upscaler.Upscale(image.SelectChannels(3, 1));
        Assert.Equal(alphaAsGray.Data, result.SelectChannels(3, 1).Data);
        Assert.NotEqual(Resize.Bicubic(image.SelectChannels(3, 1), 34, 26).Quantized().Data, alphaAsGray.Data);
    }

    [Theory]
    [InlineData("fsrcnn", 3)]
    [InlineData("srcnn", 2)]
    public void Y_networks_run_on_luma_with_bicubic_chroma(string name, int scale)
    {
        using var network = InferenceTestNetworks.Create(TestDevices.Cpu, name, scale);
        using var upscaler = new Upscaler(network);
        foreach (int bitDepth in new[] { 8, 16 })
        {
            var image = RandomImage(17, 13, 3, bitDepth);
            var result = upscaler.Upscale(image, quantize: false);
            Assert.Equal((17 * scale, 13 * scale, 3, bitDepth), (result.Width, result.Height, result.Channels, result.BitDepth));

            var ycc = ColorSpace.RgbToYCbCr(image);
            var luma = ycc.SelectChannels(0, 1);
            if (network.NeedsPreUpsampledInput)
                luma = Resize.Bicubic(luma, 17 * scale, 13 * scale);
            var y = Forward(network, new Shape(1, 1, luma.Height, luma.Width), luma.Data.Select(v => v / image.MaxValue).ToArray());
            var resultYcc = ColorSpace.RgbToYCbCr(result);
            var cbcr = Resize.Bicubic(ycc.SelectChannels(1, 2), result.Width, result.Height);
            int n = result.PlaneSize;
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(y[i] * image.MaxValue, resultYcc.Data[i], image.MaxValue * 1e-4f);
                Assert.Equal(cbcr.Data[i], resultYcc.Data[n + i], image.MaxValue * 1e-4f);
                Assert.Equal(cbcr.Data[n + i], resultYcc.Data[2 * n + i], image.MaxValue * 1e-4f);
            }

            var gray = upscaler.Upscale(RandomImage(17, 13, 1, bitDepth));
            Assert.Equal((1, bitDepth), (gray.Channels, gray.BitDepth));
        }
    }

    [Fact]
    public void A_batch_tensor_is_upscaled_image_by_image()
    {
        using var network = InferenceTestNetworks.Create(TestDevices.Cpu, "edsr-baseline", 2);
        using var upscaler = new Upscaler(network, new UpscaleOptions { Tile = 5 });
        var a = InferenceTestNetworks.RandomInput(network, 9, 11, seed: 1);
        var b = InferenceTestNetworks.RandomInput(network, 9, 11, seed: 2);
        using var batch = Tensor.FromArray(network.Device, new Shape(2, 3, 9, 11), [.. a.Data, .. b.Data]);
        using var result = upscaler.Upscale(batch);
        Assert.Equal(new Shape(2, 3, 18, 22), result.Shape);
        var data = result.ToArray();
        var expected = Forward(network, new Shape(2, 3, 9, 11), [.. a.Data, .. b.Data]);
        for (int i = 0; i < data.Length; i++)
            Assert.Equal(expected[i], data[i], 1e-5f);
    }
}
