namespace SuperRes.Models.Tests.Inference;

/// <summary>
/// The upscaler works in place where it can (colour conversion, scaling, rounding; the single tile's output kept
/// as the result) to hold fewer output-size copies. These tests keep it bit-identical to the copying pipeline it
/// replaced, written out here from the public building blocks, for every kind of image and network convention,
/// tiled and untiled, with the self-ensemble and with the forward memory released after each image.
/// </summary>
[Collection(NetworkCollection.Name)]
public sealed class UpscalerIdentityTests
{
    public static TheoryData<string, int> Networks => new()
    {
        { "fsrcnn", 2 },        // Y network
        { "srcnn", 3 },         // Y network on the bicubic-enlarged image
        { "edsr-baseline", 2 }, // RGB in [0, 255]
        { "srresnet", 2 },      // RGB in [0, 1]
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void In_place_pipeline_equals_the_copying_one(string name, int scale)
    {
        using var network = InferenceTestNetworks.Create(TestDevices.Cpu, name, scale);
        var images = new (string Kind, Image Image)[]
        {
            ("gray8", RandomImage(1, 8)), ("gray16", RandomImage(1, 16)), ("gray+alpha8", RandomImage(2, 8)),
            ("rgb8", RandomImage(3, 8)), ("rgb16", RandomImage(3, 16)), ("rgba8", RandomImage(4, 8)), ("rgba16", RandomImage(4, 16)),
        };
        var variants = new (string What, UpscaleOptions Options)[]
        {
            ("untiled", new UpscaleOptions()),
            ("tiled", new UpscaleOptions { Tile = 8, Warning = _ => { } }),
            ("self-ensemble", new UpscaleOptions { SelfEnsemble = true }),
            ("memory released", new UpscaleOptions { ReleaseForwardMemory = true }),
        };
        foreach (var (what, options) in variants)
        {
            var upscaler = new Upscaler(network, options); // not disposed: it would dispose the shared network
            foreach (var (kind, image) in images)
            {
                var before = (float[])image.Data.Clone();
                var expected = CopyingUpscale(upscaler, image);
                var actual = upscaler.Upscale(image);
                Assert.True(expected.Data.AsSpan().SequenceEqual(actual.Data), $"{name} x{scale}, {kind}, {what}: output differs from the copying pipeline");
                Assert.Equal((expected.Channels, expected.BitDepth), (actual.Channels, actual.BitDepth));
                Assert.True(before.AsSpan().SequenceEqual(image.Data), $"{name} x{scale}, {kind}, {what}: the input image was modified");
            }
        }
    }

    private static Image RandomImage(int channels, int bitDepth)
    {
        var image = new Image(19, 13, channels, bitDepth);
        var rng = new Random(channels * 31 + bitDepth);
        for (int i = 0; i < image.Data.Length; i++)
            image.Data[i] = rng.Next((int)image.MaxValue + 1);
        return image;
    }

    // The pipeline as it was: a new array at every step.
    private static Image CopyingUpscale(Upscaler upscaler, Image image)
    {
        int colorChannels = image.HasAlpha ? image.Channels - 1 : image.Channels;
        var color = image.SelectChannels(0, colorChannels);
        var up = upscaler.Network.Colors == ColorConvention.Y01 ? ViaLuma(upscaler, color) : ViaRgb(upscaler, color);
        var result = image.HasAlpha ? Image.Stack(up, Resize.Bicubic(image.SelectChannels(colorChannels, 1), up.Width, up.Height)) : up;
        return result.Quantized();
    }

    private static Image ViaRgb(Upscaler upscaler, Image color)
    {
        float toNet = upscaler.Network.Colors == ColorConvention.Rgb255 ? 255f / color.MaxValue : 1f / color.MaxValue;
        var rgb = color.Channels == 3 ? color : Image.Stack(color, color, color);
        var output = upscaler.UpscalePlanes(new Image(rgb.Width, rgb.Height, 3, rgb.Data.Select(v => v * toNet).ToArray()));
        float fromNet = 1f / toNet;
        var result = new Image(output.Width, output.Height, color.Channels, color.BitDepth);
        int n = output.PlaneSize;
        for (int i = 0; i < result.Data.Length; i++)
            result.Data[i] = color.Channels == 3 ? output.Data[i] * fromNet : (output.Data[i] + output.Data[n + i] + output.Data[2 * n + i]) / 3 * fromNet;
        return result;
    }

    private static Image ViaLuma(Upscaler upscaler, Image color)
    {
        var rgb = color.Channels == 3 ? color : Image.Stack(color, color, color);
        var ycc = ColorSpace.RgbToYCbCr(rgb);
        var luma = ycc.SelectChannels(0, 1);
        int s = upscaler.Scale;
        var input = upscaler.Network.NeedsPreUpsampledInput ? Resize.Bicubic(luma, luma.Width * s, luma.Height * s) : luma;
        var output = upscaler.UpscalePlanes(new Image(input.Width, input.Height, 1, input.Data.Select(v => v * (1f / luma.MaxValue)).ToArray()));
        var y = new Image(output.Width, output.Height, 1, output.Data.Select(v => v * luma.MaxValue).ToArray(), luma.BitDepth);
        var up = ColorSpace.YCbCrToRgb(Image.Stack(y, Resize.Bicubic(ycc.SelectChannels(1, 2), y.Width, y.Height)));
        return color.Channels == 3 ? up : up.SelectChannels(0, 1);
    }
}
