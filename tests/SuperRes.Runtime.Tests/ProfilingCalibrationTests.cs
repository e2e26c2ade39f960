using SuperRes.Runtime.Cpu;
using SuperRes.Runtime.Profiling;

namespace SuperRes.Runtime.Tests;

/// <summary>The peak calibration behind the profiler's roofline column (small sizes: this checks that it works, not the figures).</summary>
public sealed class ProfilingCalibrationTests(ITestOutputHelper output)
{
    [Fact]
    public void Cpu_calibration_measures_positive_peaks()
    {
        using var device = new CpuDevice();
        var peak = Calibration.Measure(device, matrix: 256, copyElements: 1 << 16);
        output.WriteLine(peak.ToString());
        Assert.True(peak.Gflops > 0 && double.IsFinite(peak.Gflops));
        Assert.True(peak.Gbps > 0 && double.IsFinite(peak.Gbps));
        Assert.Contains("SGEMM 256³", peak.Source);
    }

    [OpenClFact]
    public void OpenCL_calibration_runs_calibrate_cl()
    {
        using var device = TestDevices.RequireOpenCl();
        var peak = Calibration.Measure(device, matrix: 256, copyElements: 1 << 16);
        output.WriteLine(peak.ToString());
        Assert.True(peak.Gflops > 0 && double.IsFinite(peak.Gflops));
        Assert.True(peak.Gbps > 0 && double.IsFinite(peak.Gbps));
    }

    [OpenClTheory]
    [InlineData(64, 4, 16)]
    [InlineData(128, 8, 16)]
    [InlineData(256, 16, 8)]
    public void The_calibration_SGEMM_computes_a_matrix_product(int ts, int wpt, int tk)
    {
        using var device = TestDevices.RequireOpenCl();
        const int n = 256;
        var a = KernelTestData.RandomData(n * n, 1);
        var b = KernelTestData.RandomData(n * n, 2);
        using var da = device.Upload(a);
        using var db = device.Upload(b);
        using var dc = device.Allocate(n * n);
        var kernel = device.GetKernel(Calibration.KernelFile, "calibrate_sgemm", new KernelDefines().With("TS", ts).With("WPT", wpt).With("TK", tk));
        int rts = ts / wpt;
        device.Launch(kernel, LaunchGrid.Grid2D(n / wpt, n / wpt, rts, rts), n, n, n, da, db, dc);
        var c = device.Download(dc);
        for (int i = 0; i < n; i += 13)
            for (int j = 0; j < n; j += 11)
            {
                double expected = 0;
                for (int k = 0; k < n; k++)
                    expected += a[i * n + k] * b[k * n + j];
                KernelTestData.AssertClose((float)expected, c[i * n + j], 1e-4f, $"C[{i},{j}]");
            }
    }

    [Theory]
    [InlineData("200,20", 200, 20)]
    [InlineData(" 1.5e3 , 0.5 ", 1500, 0.5)]
    public void Peaks_parse_from_the_command_line(string text, double gflops, double gbps)
    {
        var peak = DevicePeak.Parse(text);
        Assert.Equal((gflops, gbps, gflops / gbps), (peak.Gflops, peak.Gbps, peak.Ridge));
    }

    [Theory]
    [InlineData("200")]
    [InlineData("200,0")]
    [InlineData("a,b")]
    [InlineData("1,2,3")]
    public void Bad_peaks_are_refused(string text) => Assert.Throws<SuperResException>(() => DevicePeak.Parse(text));

    [Fact]
    public void Peaks_are_cached_as_json_and_measured_again_on_refresh_or_damage()
    {
        using var device = new CpuDevice();
        var dir = Directory.CreateTempSubdirectory("superres-peaks-").FullName;
        try
        {
            var path = Path.Combine(dir, "peaks", "cpu.json");
            int measured = 0;
            DevicePeak Measure(Device d) => new(10 + ++measured, 5, "test");

            Assert.Equal(11, Calibration.Get(device, path, refresh: false, Measure).Gflops);
            Assert.True(File.Exists(path));
            var cached = Calibration.Get(device, path, refresh: false, Measure);
            Assert.Equal((11.0, 1), (cached.Gflops, measured));
            Assert.Contains("cached", cached.Source);
            Assert.Equal(12, Calibration.Get(device, path, refresh: true, Measure).Gflops);
            File.WriteAllText(path, "{ not json");
            Assert.Equal(13, Calibration.Get(device, path, refresh: false, Measure).Gflops);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
