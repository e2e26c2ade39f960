namespace SuperRes.Runtime.Tests;

/// <summary>Inputs and comparisons for the kernel tests of every backend.</summary>
internal static class KernelTestData
{
    /// <summary>Random values in [-1, 1) plus an offset away from zero, so that a wrong index or an unwritten element shows.</summary>
    public static float[] RandomData(int count, int seed)
    {
        var random = new Random(seed);
        var data = new float[count];
        for (int i = 0; i < count; i++)
            data[i] = (float)(random.NextDouble() * 2 - 1) + (i % 2 == 0 ? 0.25f : -0.25f);
        return data;
    }

    public static void AssertClose(double expected, float actual, double relative, string what)
    {
        double tolerance = relative * Math.Max(1.0, Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: expected {expected:R}, got {actual:R}");
    }
}
