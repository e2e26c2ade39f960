namespace SuperRes.Runtime.Tests;

/// <summary>Inputs, comparisons and the launches that the kernel tests of every backend (OpenCL, CUDA) share.</summary>
internal static class KernelTestData
{
    /// <summary>
    /// axpy over <paramref name="n"/> elements in blocks of <paramref name="block"/> (n not a multiple of it, so the
    /// kernel's bounds check must hold) against a C# loop; y is poisoned past n and must stay so.
    /// </summary>
    public static void AssertAxpy(KernelDevice device, int n, int block, int seed)
    {
        const float alpha = -1.75f;
        var x = RandomData(n, seed);
        var y = RandomData(n, seed + 1);
        using var xBuffer = device.Upload(x);
        using var yBuffer = device.Upload([.. y, .. Enumerable.Repeat(float.NaN, 300)]);

        device.Launch(device.GetKernel("elementwise.cl", "axpy"), LaunchGrid.Linear(n, block), n, alpha, xBuffer, yBuffer);
        var result = device.Download(yBuffer);

        for (int i = 0; i < n; i++)
            AssertClose(y[i] + (double)alpha * x[i], result[i], 1e-6, $"y[{i}]");
        Assert.All(result[n..], v => Assert.True(float.IsNaN(v), "axpy wrote past n"));
    }

    /// <summary>
    /// Runs reduce.cl's sum_partial over random data in <paramref name="groups"/> groups of <paramref name="group"/>
    /// and checks that it wrote nothing past its groups; returns the data and the partial sums to check.
    /// </summary>
    public static (float[] X, float[] Partials) SumPartial(KernelDevice device, int n, int group, int groups, int seed)
    {
        var x = RandomData(n, seed);
        using var xBuffer = device.Upload(x);
        using var partial = device.Upload(Enumerable.Repeat(float.NaN, groups + 5).ToArray());

        var kernel = device.GetKernel("reduce.cl", "sum_partial", new KernelDefines().With("GROUP", group));
        device.Launch(kernel, LaunchGrid.Linear((long)groups * group, group), n, xBuffer, partial);
        var result = device.Download(partial);

        Assert.All(result[groups..], v => Assert.True(float.IsNaN(v), "sum_partial wrote past its groups"));
        return (x, result[..groups]);
    }

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
