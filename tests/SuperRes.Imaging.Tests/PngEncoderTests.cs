using SuperRes.Imaging.Codecs;

namespace SuperRes.Imaging.Tests;

/// <summary>The PNG encoder's filters, zlib levels, parallel bands and vectorised rounding.</summary>
public class PngEncoderTests
{
    /// <summary>Smooth ramps plus noise with fractional, negative and over-range samples (so rounding and clipping matter).</summary>
    internal static Image Photo(int w, int h, int channels, int bitDepth, int seed)
    {
        var rng = new Random(seed);
        var img = new Image(w, h, channels, bitDepth);
        float max = img.MaxValue;
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    img[c, y, x] = max * (x + y + 17 * c) / (w + h + 60) + (float)(rng.NextDouble() * 40 - 20) * max / 255;
        return img;
    }

    [Theory]
    [InlineData(0, 0)] [InlineData(1, 1)] [InlineData(2, 3)] [InlineData(3, 6)] [InlineData(4, 9)] [InlineData(5, 3)]
    public void Every_filter_and_level_decodes_to_the_rounded_image(int filterNumber, int level)
    {
        var filter = (PngFilter)filterNumber; // None, Sub, Up, Average, Paeth, Adaptive
        foreach (var (channels, depth) in new[] { (1, 8), (3, 8), (4, 16), (2, 16) })
        {
            var img = Photo(53, 29, channels, depth, seed: channels * depth);
            var back = ImageCodec.Decode(PngEncoder.Encode(img, level, filter));
            Assert.Equal(img.Quantized().Data, back.Data);
        }
    }

    [Fact]
    public void A_large_image_split_into_parallel_bands_is_one_valid_stream()
    {
        // 1500 × 700 RGB at 16 bits is 6.3 MB of rows: several 1 MiB bands, each ending on a sync flush.
        var img = Photo(1500, 700, 3, 16, seed: 5);
        var bytes = PngEncoder.Encode(img);
        Assert.Equal(img.Quantized().Data, ImageCodec.Decode(bytes).Data);
        Assert.True(bytes.Length < 1500 * 700 * 6, $"{bytes.Length} bytes: not compressed");
    }

    [Fact]
    public void Vectorised_rounding_equals_QuantizeSample_sample_for_sample()
    {
        float[] edges =
        [
            float.NaN, float.NegativeInfinity, float.PositiveInfinity, -0f, 0f, -0.5f, float.Epsilon,
            0.49999997f, 0.5f, 0.50000006f, 1.4999999f, 1.5f, 2.5f, 3.4999998f, 3.5f, 254.49998f, 254.5f, 254.50002f,
            255f, 255.49998f, 255.5f, 256f, 1e30f, 65534.5f, 65534.496f, 65535f, 65535.5f, 70000f, 127.5f, 128.5f,
        ];
        var rng = new Random(1);
        var samples = edges.Concat(Enumerable.Range(0, 100_000).Select(i => i % 3 == 0
            ? (float)Math.Round(rng.NextDouble() * 70000, 1) - 500 + 0.5f
            : (float)(rng.NextDouble() * 66000 - 300))).ToArray();
        foreach (float max in new[] { 255f, 65535f })
        {
            var levels = new ushort[samples.Length];
            var floats = new float[samples.Length];
            SampleRounding.Round(samples, levels, max);
            SampleRounding.Round(samples, floats, max);
            for (int i = 0; i < samples.Length; i++)
            {
                float expected = Image.QuantizeSample(samples[i], max);
                Assert.True(expected == levels[i] && expected.Equals(floats[i]), $"{samples[i]:R} (max {max}): {levels[i]} / {floats[i]}, expected {expected}");
            }
        }
    }

    [Fact]
    public void Adler32_combine_equals_the_checksum_of_the_whole()
    {
        var data = new byte[20_000];
        new Random(2).NextBytes(data);
        uint whole = Adler32.Update(1, data);
        foreach (int cut in new[] { 0, 1, 5551, 5552, 12_345, 20_000 })
            Assert.Equal(whole, Adler32.Combine(Adler32.Update(1, data.AsSpan(0, cut)), Adler32.Update(1, data.AsSpan(cut)), data.Length - cut));
    }
}
