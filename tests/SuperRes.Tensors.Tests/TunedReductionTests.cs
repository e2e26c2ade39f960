using SuperRes.Runtime.Tuning;
using SuperRes.Tensors.Primitives;
using SuperRes.Tensors.Verification;
using Xunit.Abstractions;

namespace SuperRes.Tensors.Tests;

/// <summary>
/// The small reductions (batch norm's per-channel sums, PReLU's slope gradient, the gradient norm's sums) launch
/// with the tuning database's entry for their shape class when there is one: the group size of every launch and
/// the program's defines are the entry's, and the results still match the Cpu reference.
/// </summary>
[Collection("devices")]
public sealed class TunedReductionTests(ITestOutputHelper output)
{
    [OpenClFact]
    public void Batch_norm_uses_the_database_entry_of_its_values_per_channel()
    {
        using var device = TestDevices.RequireOpenCl();
        int batch = 2, channels = 3, hw = 37 * 41;
        var entry = Tuned(BatchNormTuning.Default(device.Class), "GROUP", 64);
        device.Tuning.Set("batch_norm", BatchNormTuning.ShapeClass((long)batch * hw), new TunedEntry(entry, "test", 1, 1));
        var x = RandomData.Uniform(new Random(1), (long)batch * channels * hw, 0f, 2f);

        var launches = Observe(device, () => Stats(device, x, batch, channels, hw));

        var stats = Assert.Single(launches, l => l.Kernel == "bn_stats");
        Assert.Equal(64, stats.Grid.LocalX);
        Assert.Equal(channels, stats.Grid.GroupsX);
        Assert.Equal("64", stats.Defines.Values["GROUP"]);
        AssertClose(Stats(TestDevices.Cpu, x, batch, channels, hw), Stats(device, x, batch, channels, hw));
    }

    [OpenClFact]
    public void The_prelu_slope_gradient_uses_the_database_entry_of_its_values_per_slope()
    {
        using var device = TestDevices.RequireOpenCl();
        int slopes = 3, plane = 4001;
        long n = 2L * slopes * plane;
        var entry = Tuned(PreluSlopeTuning.Default(device.Class), "GROUP", 32).With("ITEMS", 4);
        device.Tuning.Set("prelu_slope", PreluSlopeTuning.ShapeClass(n / slopes), new TunedEntry(entry, "test", 1, 1));
        var rng = new Random(2);
        float[] x = RandomData.Uniform(rng, n), gy = RandomData.Uniform(rng, n, 0.1f, 1f);

        var launches = Observe(device, () => SlopeGradient(device, x, gy, slopes, plane));

        // 8002 values per slope in chunks of 32·4: 62 chunks, added up by sum_rows in groups of 32.
        var partial = Assert.Single(launches, l => l.Kernel == "prelu_slope_partial");
        Assert.Equal((32, slopes, 62L), (partial.Grid.LocalX, partial.Grid.GroupsX, partial.Grid.GroupsY));
        Assert.Equal(32, Assert.Single(launches, l => l.Kernel == "sum_rows").Grid.LocalX);
        Assert.All(launches, l => Assert.Equal("GROUP=32", l.Defines.ToString()));
        AssertClose(SlopeGradient(TestDevices.Cpu, x, gy, slopes, plane), SlopeGradient(device, x, gy, slopes, plane));
    }

    [OpenClFact]
    public void The_gradient_norm_uses_the_database_entry_of_the_tensor_size()
    {
        using var device = TestDevices.RequireOpenCl();
        long n = 99_999;
        var entry = Tuned(AdamNormTuning.Default(device.Class), "GROUP", 128).With("GROUPS", 16);
        device.Tuning.Set("adam_norm", AdamNormTuning.ShapeClass(n), new TunedEntry(entry, "test", 1, 1));
        var x = RandomData.Uniform(new Random(3), n);

        var launches = Observe(device, () => SumOfSquares(device, x));

        var partial = Assert.Single(launches, l => l.Kernel == "sum_squares_partial");
        Assert.Equal((128, 16L), (partial.Grid.LocalX, partial.Grid.GroupsX));
        Assert.Equal(128, Assert.Single(launches, l => l.Kernel == "sum_into").Grid.LocalX);
        Assert.All(launches, l => Assert.Equal("GROUP=128", l.Defines.ToString()));
        AssertClose(SumOfSquares(TestDevices.Cpu, x), SumOfSquares(device, x));
    }

    private sealed record Launched(string Kernel, LaunchGrid Grid, KernelDefines Defines);

    /// <summary>A configuration that differs from the default, so the test cannot pass on the default.</summary>
    private static KernelDefines Tuned(KernelDefines @default, string name, int value)
    {
        Assert.NotEqual(value.ToString(System.Globalization.CultureInfo.InvariantCulture), @default.Values[name]);
        return @default.With(name, value);
    }

    private static List<Launched> Observe(KernelDevice device, Action run)
    {
        var launches = new List<Launched>();
        device.LaunchObserver = (kernel, grid) => launches.Add(new Launched(kernel.Name, grid, kernel.Program.Defines));
        try
        {
            run();
        }
        finally
        {
            device.LaunchObserver = null;
        }
        return launches;
    }

    private void AssertClose(float[] expected, float[] actual)
    {
        double error = Accuracy.RelativeError(actual, expected);
        output.WriteLine($"relative error {error:G3}");
        Assert.True(error <= Tuning.KernelTuner.Tolerance, $"relative error {error:G3}");
    }

    private static float[] Stats(Device device, float[] x, int batch, int channels, int hw)
    {
        using DeviceBuffer dx = device.Upload(x), mean = device.Allocate(channels), var = device.Allocate(channels);
        BatchNorm.Stats(dx, mean, var, batch, channels, hw);
        return [.. device.Download(mean), .. device.Download(var)];
    }

    private static float[] SlopeGradient(Device device, float[] x, float[] gy, int slopes, int plane)
    {
        using DeviceBuffer dx = device.Upload(x), dgy = device.Upload(gy), gs = device.Allocate(slopes);
        Activations.PreluSlopeGradient(dx, dgy, slopes, plane, gs, x.Length);
        return device.Download(gs);
    }

    private static float[] SumOfSquares(Device device, float[] x)
    {
        using DeviceBuffer dx = device.Upload(x), sums = device.Allocate(1);
        GradientNorm.SumOfSquares(dx, x.Length, sums, 0);
        return device.Download(sums);
    }
}
