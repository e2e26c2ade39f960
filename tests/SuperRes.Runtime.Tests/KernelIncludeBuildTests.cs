using SuperRes.Runtime.OpenCL;
using Xunit.Abstractions;

namespace SuperRes.Runtime.Tests;

/// <summary>
/// Includes as the OpenCL compiler and the disk cache see them: the composed source (headers inlined) is the
/// cache key, so changing a header rebuilds, and compiler messages cite the header's own file and line.
/// </summary>
[Collection(KernelCacheEnvironmentCollection.Name)]
public sealed class KernelIncludeBuildTests(ITestOutputHelper output) : IDisposable
{
    private const string Kernel = "#include \"value.h\"\nKERNEL void write_value(GLOBAL float* y)\n{\n    y[0] = VALUE;\n}\n";

    private readonly string? _previous = Environment.GetEnvironmentVariable("SUPERRES_KERNEL_CACHE");
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "superres-include-cache-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("SUPERRES_KERNEL_CACHE", _previous);
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void Changing_a_header_rebuilds_instead_of_loading_the_cached_binary()
    {
        Environment.SetEnvironmentVariable("SUPERRES_KERNEL_CACHE", _directory);
        using var device = OpenClTestDevice.Open(output);
        if (device is null)
            return;

        Assert.Equal(1f, Run(device, "#define VALUE 1.0f\n", expectCached: false));
        Assert.Equal(1f, Run(device, "#define VALUE 1.0f\n", expectCached: true));
        Assert.Equal(2f, Run(device, "#define VALUE 2.0f\n", expectCached: false));
        Assert.Equal(2, Directory.GetFiles(_directory, "*.bin").Length);
    }

    [Fact]
    public void A_compile_error_in_a_header_cites_the_header_and_its_line()
    {
        using var device = OpenClTestDevice.Open(output);
        if (device is null)
            return;
        var set = KernelIncludeTests.Sources(("a.cl", Kernel), ("include/value.h", "// fine\n#define VALUE undefined_in_header\n"));
        var e = Assert.Throws<KernelBuildException>(() =>
            device.BuildFromSource("a.cl", KernelDefines.None, KernelLibrary.Prelude(BackendKind.OpenCL) + "\n" + KernelIncludes.Expand(set, "a.cl")));
        output.WriteLine(e.Message);
        Assert.Contains("undefined_in_header", e.Message);
        Assert.Contains("test/a.cl:4", e.Message); // where VALUE is used, after the inlined header
        Assert.Contains("test/include/value.h:2", e.Message); // where the macro was defined
    }

    private static float Run(OpenClDevice device, string header, bool expectCached)
    {
        var set = KernelIncludeTests.Sources(("a.cl", Kernel), ("include/value.h", header));
        string source = KernelLibrary.Prelude(BackendKind.OpenCL) + "\n" + KernelIncludes.Expand(set, "a.cl");
        using var program = device.BuildFromSource("a.cl", KernelDefines.None, source);
        Assert.Equal(expectCached, device.LastBuildFromCache);
        using var y = device.Upload(new float[1]);
        device.Launch(program.GetKernel("write_value"), LaunchGrid.Linear(1, 1), y);
        return device.Download(y)[0];
    }
}
