using SuperRes.Imaging;

namespace SuperRes.TestSupport;

/// <summary>Image files for tests that need a folder of natural-looking pictures (training data, folder runs).</summary>
public static class TestImages
{
    /// <summary>
    /// <paramref name="count"/> images of <paramref name="size"/>² pixels: a few random low-frequency sinusoids
    /// per channel plus a ramp, 8-bit. 48 is a multiple of 2, 3 and 4, so every scale keeps the whole image.
    /// </summary>
    public static string WriteSmooth(string directory, int count = 6, int size = 48, int seed = 7)
    {
        Directory.CreateDirectory(directory);
        var rng = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            var image = new Image(size, size, 3);
            for (int c = 0; c < 3; c++)
            {
                var waves = Enumerable.Range(0, 3).Select(_ => (
                    Fx: (rng.NextDouble() * 2 - 1) * 0.35, Fy: (rng.NextDouble() * 2 - 1) * 0.35,
                    Phase: rng.NextDouble() * 6.28, Amp: 20 + 30 * rng.NextDouble())).ToArray();
                double rampX = (rng.NextDouble() * 2 - 1) * 1.5, rampY = (rng.NextDouble() * 2 - 1) * 1.5, offset = 90 + 80 * rng.NextDouble();
                for (int y = 0; y < size; y++)
                    for (int x = 0; x < size; x++)
                    {
                        double v = offset + rampX * (x - size / 2) + rampY * (y - size / 2);
                        foreach (var w in waves)
                            v += w.Amp * Math.Sin(w.Fx * x + w.Fy * y + w.Phase);
                        image[c, y, x] = (float)Math.Clamp(Math.Round(v), 0, 255);
                    }
            }
            ImageCodec.Write(Path.Combine(directory, $"img{i:00}.png"), image);
        }
        return directory;
    }
}
