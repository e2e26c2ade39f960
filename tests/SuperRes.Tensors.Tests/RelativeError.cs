namespace SuperRes.Tensors.Tests;

/// <summary>The largest error relative to the largest reference value: the bound the Cpu convolution tests state.</summary>
internal static class RelativeError
{
    public static void AssertWithin(string what, double[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs(expected[i] - actual[i]));
            maxRef = Math.Max(maxRef, Math.Abs(expected[i]));
        }
        Assert.True(maxRef > 0, $"{what}: all-zero reference");
        Assert.True(maxDiff / maxRef <= tolerance, $"{what}: relative error {maxDiff / maxRef:G3} > {tolerance:G3}");
    }
}
