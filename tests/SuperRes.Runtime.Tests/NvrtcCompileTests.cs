using System.Text;
using System.Text.RegularExpressions;
using SuperRes.Runtime.Cuda;

namespace SuperRes.Runtime.Tests;

/// <summary>
/// Every kernel file, with every define set it declares, compiled by NVRTC for two GPU generations. Needs
/// libnvrtc only (no GPU). CI installs libnvrtc, so there a missing library fails instead of skipping.
/// </summary>
public sealed class NvrtcCompileTests(ITestOutputHelper output)
{
    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var file in KernelLibrary.Files)
            foreach (var defines in KernelLibrary.Configs(file))
                foreach (var arch in new[] { "sm_80", "sm_90" })
                    data.Add(file, defines.ToString(), arch);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Kernel_file_compiles_and_exports_every_entry_point(string file, string config, string arch)
    {
        if (!NvrtcPresent())
            return;
        var image = NvrtcCompiler.Compile(file, KernelDefines.Parse(config), arch);
        output.WriteLine($"NVRTC {NvrtcCompiler.Version}: {image.Bytes.Length} bytes of {(image.Target.IsCubin ? "cubin" : "PTX")} ({string.Join(' ', image.Options)})");

        Assert.NotEmpty(image.Bytes);
        AssertEntryPoints(file, image);
    }

    [Fact]
    public void Compile_error_names_the_kernel_file_and_line_the_defines_and_the_arch()
    {
        if (!NvrtcPresent())
            return;
        var source = KernelLibrary.Prelude(BackendKind.Cuda)
            + "\n#line 1 \"kernels/broken.cl\"\n"
            + "KERNEL void broken(const int n, GLOBAL float* y)\n"
            + "{\n"
            + "    if (n > 0) y[0] = no_such_variable;\n"
            + "}\n";

        var error = Assert.Throws<KernelBuildException>(() =>
            NvrtcCompiler.CompileSource(source, "broken.cl", new KernelDefines().With("WIDTH", 7), "sm_80"));
        output.WriteLine(error.Message);

        Assert.Contains("kernels/broken.cl(3)", error.Message);
        Assert.Contains("no_such_variable", error.Message);
        Assert.Contains("WIDTH=7", error.Message);
        Assert.Contains("sm_80", error.Message);
    }

    [Fact]
    public void An_arch_newer_than_NVRTC_gets_PTX_for_the_newest_arch_it_knows()
    {
        if (!NvrtcPresent())
            return;
        var newest = NvrtcCompiler.SupportedArchs[^1];
        var target = NvrtcCompiler.Target("sm_999");
        Assert.False(target.IsCubin);
        Assert.Equal(newest, target.Number);
        Assert.Equal($"--gpu-architecture=compute_{newest}", target.Option);

        var image = NvrtcCompiler.Compile("elementwise.cl", KernelDefines.None, "sm_999");
        Assert.Equal(0, image.Bytes[^1]); // cuModuleLoadData finds the end of PTX by its NUL
        AssertEntryPoints("elementwise.cl", image);
    }

    [Fact]
    public void A_known_arch_gets_a_cubin_and_an_arch_older_than_NVRTC_is_refused()
    {
        if (!NvrtcPresent())
            return;
        var oldest = NvrtcCompiler.SupportedArchs[0];
        Assert.True(NvrtcCompiler.Target($"sm_{oldest}").IsCubin);
        var error = Assert.Throws<KernelBuildException>(() => NvrtcCompiler.Target("sm_10"));
        Assert.Contains("sm_10", error.Message);
        Assert.Throws<ArgumentException>(() => NvrtcCompiler.Target("ampere"));
    }

    private static void AssertEntryPoints(string file, NvrtcImage image)
    {
        var entryPoints = KernelLibrary.EntryPoints(file);
        Assert.NotEmpty(entryPoints);
        if (image.Target.IsCubin)
        {
            var symbols = NvrtcCubinSymbols.FunctionNames(image.Bytes);
            foreach (var name in entryPoints)
                Assert.True(symbols.Contains(name), $"{name} is not a function of the cubin of kernels/{file} (it has: {string.Join(", ", symbols)})");
        }
        else
        {
            var ptx = Encoding.UTF8.GetString(image.Bytes);
            foreach (var name in entryPoints)
                Assert.Matches(new Regex($@"\.entry\s+{Regex.Escape(name)}\s*\("), ptx);
        }
    }

    private bool NvrtcPresent()
    {
        if (NvrtcCompiler.IsAvailable)
            return true;
        if (TestDevices.OnCi)
            Assert.Fail($"CI must install libnvrtc for the CUDA compile tests: {NvrtcCompiler.UnavailableReason}");
        output.WriteLine($"SKIPPED: no libnvrtc ({NvrtcCompiler.UnavailableReason})");
        return false;
    }
}
