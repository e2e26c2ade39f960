namespace SuperRes.Runtime.Tests;

public sealed class OpenClKernelTests(ITestOutputHelper output)
{
    [OpenClFact]
    public void Axpy_matches_a_CSharp_loop_and_leaves_the_tail_alone()
    {
        using var device = TestDevices.RequireOpenCl();
        KernelTestData.AssertAxpy(device, n: 10_007, block: 128, seed: 10);
    }

    [OpenClFact]
    public void Sum_partial_matches_the_same_reduction_order_in_CSharp()
    {
        using var device = TestDevices.RequireOpenCl();
        const int group = 256, groups = 37;
        var (x, result) = KernelTestData.SumPartial(device, n: 100_003, group, groups, seed: 12);

        for (int g = 0; g < groups; g++)
            KernelTestData.AssertClose(ReferencePartial(x, g, groups, group), result[g], 1e-5f, $"partial[{g}]");
        double total = x.Sum(v => (double)v);
        KernelTestData.AssertClose((float)total, result.Sum(), 1e-4f, "total");
    }

    [OpenClFact]
    public void A_2D_grid_launch_rounds_global_sizes_up()
    {
        using var device = TestDevices.RequireOpenCl();
        // fill over a 2D grid of 33x5 work-items in 16x4 groups covers indices by x only; the rest must be bounds-checked.
        const int n = 33;
        using var y = device.Upload(Enumerable.Repeat(float.NaN, n + 3).ToArray());
        device.Launch(device.GetKernel("elementwise.cl", "fill"), LaunchGrid.Grid2D(n, 5, 16, 4), n, 2.5f, y);
        var result = device.Download(y);
        Assert.All(result[..n], v => Assert.Equal(2.5f, v));
        Assert.All(result[n..], v => Assert.True(float.IsNaN(v)));
    }

    [OpenClFact]
    public void Programs_are_built_once_per_file_and_defines()
    {
        using var device = TestDevices.RequireOpenCl();
        var a = device.GetProgram("reduce.cl", new KernelDefines().With("GROUP", 64));
        var b = device.GetProgram("reduce.cl", KernelDefines.Parse("GROUP=64"));
        var c = device.GetProgram("reduce.cl", new KernelDefines().With("GROUP", 128));
        Assert.Same(a, b);
        Assert.NotSame(a, c);
        Assert.Same(a.GetKernel("sum_partial"), b.GetKernel("sum_partial"));
    }

    [OpenClFact]
    public void An_unknown_entry_point_names_the_kernel_and_file()
    {
        using var device = TestDevices.RequireOpenCl();
        var e = Assert.Throws<NativeCallException>(() => device.GetKernel("elementwise.cl", "no_such_kernel"));
        Assert.Contains("CL_INVALID_KERNEL_NAME", e.Message);
        Assert.Contains("no_such_kernel", e.Message);
        Assert.Contains("kernels/elementwise.cl", e.Message);
    }

    [OpenClFact]
    public void A_compile_error_reports_the_file_line_defines_and_log()
    {
        using var device = TestDevices.RequireOpenCl();
        const string broken = "KERNEL void broken(GLOBAL float* y)\n{\n    y[0] = undefined_name;\n}\n";
        string source = KernelLibrary.Prelude(BackendKind.OpenCL) + "\n#line 1 \"kernels/broken.cl\"\n" + broken;
        var e = Assert.Throws<KernelBuildException>(() => device.BuildFromSource("broken.cl", KernelDefines.Parse("K=3"), source));
        output.WriteLine(e.Message);
        Assert.Contains("CL_BUILD_PROGRAM_FAILURE", e.Message);
        Assert.Contains("kernels/broken.cl", e.Message);
        Assert.Contains("K=3", e.Message);
        Assert.Contains("undefined_name", e.Message); // the compiler's own log
        Assert.Contains("broken.cl:3", e.Message);    // #line makes the log cite the kernel file's own line
    }

    // sum_partial's order: each work-item strides over the input, then a tree fold in local memory.
    private static float ReferencePartial(float[] x, int groupId, int groups, int group)
    {
        var scratch = new float[group];
        for (int lid = 0; lid < group; lid++)
        {
            float acc = 0f;
            for (int i = groupId * group + lid; i < x.Length; i += groups * group)
                acc += x[i];
            scratch[lid] = acc;
        }
        for (int stride = group / 2; stride > 0; stride >>= 1)
            for (int lid = 0; lid < stride; lid++)
                scratch[lid] += scratch[lid + stride];
        return scratch[0];
    }
}
