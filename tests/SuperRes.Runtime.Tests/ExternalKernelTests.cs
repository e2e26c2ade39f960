using SuperRes.Runtime.Cuda;

namespace SuperRes.Runtime.Tests;

/// <summary>
/// A kernel file shipped by an assembly other than the engine (this test assembly embeds Kernels/*.cl and *.h),
/// registered through the public <see cref="KernelLibrary.AddSources"/>, including an engine header and one of
/// its own, then built and run like the engine's kernels.
/// </summary>
public sealed class ExternalKernelTests(ITestOutputHelper output)
{
    private const string Prefix = "SuperRes.Runtime.Tests/kernels/";
    private const string File = "test_row_norms.cl";

    private static void Register() => KernelLibrary.AddSources(typeof(ExternalKernelTests).Assembly, Prefix);

    [Fact]
    public void A_registered_file_is_listed_with_its_configs_and_entry_points_and_its_headers_are_not()
    {
        Register();
        Register(); // registering the same resources again is harmless
        Assert.Contains(File, KernelLibrary.Files);
        Assert.DoesNotContain("row_terms.h", KernelLibrary.Files);
        Assert.Equal(Prefix + File, KernelLibrary.SourcePath(File));
        Assert.Equal("GROUP=64", Assert.Single(KernelLibrary.Configs(File)).ToString());
        Assert.Equal(["test_row_sum_squares"], KernelLibrary.EntryPoints(File));
    }

    [OpenClFact]
    public void It_builds_and_runs_on_OpenCL_with_the_engine_header_and_its_own()
    {
        Register();
        using var device = TestDevices.RequireOpenCl();
        const int rows = 5, cols = 300, group = 64;
        var x = KernelTestData.RandomData(rows * cols, seed: 7);
        using var xBuffer = device.Upload(x);
        using var yBuffer = device.Upload(new float[rows]);
        var kernel = device.GetKernel(File, "test_row_sum_squares", KernelLibrary.Configs(File)[0]);
        device.Launch(kernel, LaunchGrid.Linear(rows * group, group), cols, xBuffer, yBuffer);
        var y = device.Download(yBuffer);
        for (int r = 0; r < rows; r++)
        {
            double expected = 0;
            for (int c = 0; c < cols; c++)
                expected += (double)x[r * cols + c] * x[r * cols + c];
            KernelTestData.AssertClose((float)expected, y[r], 1e-5f, $"row {r}");
        }
    }

    [Fact]
    public void It_compiles_for_CUDA_through_NVRTC()
    {
        Register();
        if (!NvrtcCompiler.IsAvailable)
        {
            output.WriteLine($"SKIPPED: no libnvrtc ({NvrtcCompiler.UnavailableReason})");
            return;
        }
        var image = NvrtcCompiler.Compile(File, KernelLibrary.Configs(File)[0], "sm_80");
        Assert.Contains("test_row_sum_squares", NvrtcCubinSymbols.FunctionNames(image.Bytes));
    }

    [Fact]
    public void A_prefix_with_no_kernel_resources_is_refused_by_name()
    {
        var e = Assert.Throws<ArgumentException>(() => KernelLibrary.AddSources(typeof(ExternalKernelTests).Assembly, "no/such/prefix/"));
        Assert.Contains("no/such/prefix/", e.Message);
        Assert.Contains("SuperRes.Runtime.Tests", e.Message);
    }

    [Fact]
    public void An_unknown_file_names_itself_and_the_known_ones()
    {
        var e = Assert.Throws<KernelBuildException>(() => KernelLibrary.ReadFile("no_such_file.cl"));
        Assert.Contains("no_such_file.cl", e.Message);
        Assert.Contains("elementwise.cl", e.Message);
    }
}
