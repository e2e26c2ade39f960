using System.Globalization;
using System.Text;
using SuperRes.Runtime.Cuda;
using SuperRes.Runtime.Profiling;

namespace SuperRes.Runtime.Tests;

/// <summary>
/// ptxas's resource report for every kernel entry point of every kernel file × <c>// @config</c>, for sm_80 and
/// sm_90, through NVRTC (no GPU needed). Fails on any register spill and on theoretical occupancy below
/// <see cref="OccupancyFloor"/> of a config the CUDA backend builds (the calibration skips some on CUDA); writes the whole table to <c>nvrtc-resources.md</c> beside the test assembly
/// (docs/gpu-validation.md holds a copy).
/// </summary>
public sealed class NvrtcResourceTests(ITestOutputHelper output)
{
    /// <summary>
    /// 25%: 16 resident warps per SM, 4 per warp scheduler, the fewest that still let a scheduler issue while
    /// other warps wait on memory. Every kernel here is bandwidth- or latency-bound at the zoo's sizes, so a
    /// kernel below it would stall on memory; a register-tiled GEMM can run well lower, which this project does
    /// not need.
    /// </summary>
    private const double OccupancyFloor = 0.25;

    private static readonly string[] Archs = ["sm_80", "sm_90"];

    [Fact]
    public void Every_kernel_runs_without_spills_and_above_the_occupancy_floor_on_sm80_and_sm90()
    {
        if (!NvrtcCompiler.IsAvailable)
        {
            if (TestDevices.OnCi)
                Assert.Fail($"CI must install libnvrtc for the NVRTC resource report: {NvrtcCompiler.UnavailableReason}");
            output.WriteLine($"SKIPPED: no libnvrtc ({NvrtcCompiler.UnavailableReason})");
            return;
        }

        var rows = new List<Row>();
        foreach (var file in KernelLibrary.Files)
            foreach (var (config, deviceClass) in KernelLibrary.DeclaredConfigs(file))
                foreach (var arch in Archs)
                {
                    var image = NvrtcCompiler.CompileWithResourceReport(file, config, arch);
                    var kernels = NvrtcResourceLog.Parse(image.Log);
                    Assert.Equal(KernelLibrary.EntryPoints(file).Order(), kernels.Select(k => k.Kernel).Order());
                    int block = BlockThreads(config);
                    foreach (var k in kernels)
                        rows.Add(new Row(file, config, arch, k, block, Occupancy.Theoretical(arch, block, k.Registers, k.SharedBytes),
                            deviceClass != Tuning.DeviceClass.Cpu && BuiltForCuda(file, config)));
                }

        var table = Table(rows);
        var path = Path.Combine(AppContext.BaseDirectory, "nvrtc-resources.md");
        File.WriteAllText(path, table);
        output.WriteLine($"NVRTC {NvrtcCompiler.Version}; table written to {path}\n{table}");

        var failures = rows
            .Where(r => r.BuiltForCuda && (r.Kernel.Spills || r.Occupancy < OccupancyFloor))
            .Select(r => $"{r.Kernel.Kernel} ({r.File} {Describe(r.Config)}, {r.Arch}): {r.Kernel.Registers} registers, "
                + $"spills {r.Kernel.SpillStoreBytes}/{r.Kernel.SpillLoadBytes} bytes, {r.Kernel.SharedBytes} bytes shared, "
                + $"occupancy {r.Occupancy:P0} (floor {OccupancyFloor:P0})")
            .ToList();
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public void Occupancy_follows_the_occupancy_calculator()
    {
        // 256 threads, 32 registers: 8 warps of 1024 registers, 8 blocks by registers and by threads: 100%.
        Assert.Equal(1.0, Occupancy.Theoretical("sm_80", 256, 32, 0));
        // 64 registers: 2048 per warp, 32 warps by registers, 4 blocks of 8 warps: 50%.
        Assert.Equal(0.5, Occupancy.Theoretical("sm_90", 256, 64, 0));
        // 40 KB shared per block: 4 blocks in 164 KB (41 KB each with the reserve) but 5 in 228 KB.
        Assert.Equal(4 * 8 / 64.0, Occupancy.Theoretical("sm_80", 256, 32, 40 * 1024));
        Assert.Equal(5 * 8 / 64.0, Occupancy.Theoretical("sm_90", 256, 32, 40 * 1024));
        // More registers than a block can have: it cannot launch.
        Assert.Equal(0.0, Occupancy.Theoretical("sm_80", 1024, 255, 0));
    }

    [Fact]
    public void The_ptxas_log_is_read_per_entry_point()
    {
        const string log = """
            ptxas info    : 0 bytes gmem
            ptxas info    : Compiling entry function 'a' for 'sm_80'
            ptxas info    : Function properties for a
            ptxas         .     16 bytes stack frame, 8 bytes spill stores, 4 bytes spill loads
            ptxas info    : Used 40 registers, 2048 bytes smem, 360 bytes cmem[0]
            ptxas info    : Compiling entry function 'b' for 'sm_80'
            ptxas info    : Function properties for b
            ptxas         .     0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
            ptxas info    : Used 9 registers, 360 bytes cmem[0]
            """;
        Assert.Equal(
            [new KernelResources("a", 40, 16, 8, 4, 2048), new KernelResources("b", 9, 0, 0, 0, 0)],
            NvrtcResourceLog.Parse(log));
    }

    /// <summary>
    /// The block size the ops launch a config with: conv2d_forward's WG_X×WG_Y, conv2d's (TILE_W/PX)×TILE_H, linear's
    /// TILE×(TILE/WPT), the calibration GEMM's (TS/WPT)², GROUP where a kernel declares it, else 256 (LaunchGrid.Linear's
    /// default, the ops' Group).
    /// </summary>
    internal static int BlockThreads(KernelDefines config)
    {
        int? Get(string name) => config.Values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : null;
        if (Get("WG_X") is int wgX && Get("WG_Y") is int wgY)
            return wgX * wgY;
        if (Get("TILE_W") is int w && Get("TILE_H") is int h)
            return w / (Get("PX") ?? 1) * h;
        if (Get("TILE") is int tile && Get("WPT") is int rowsPerItem)
            return tile * (tile / rowsPerItem);
        if (Get("TS") is int ts && Get("WPT") is int wpt)
            return ts / wpt * (ts / wpt);
        return Get("GROUP") ?? 256;
    }

    private sealed record Row(string File, KernelDefines Config, string Arch, KernelResources Kernel, int Block, double Occupancy, bool BuiltForCuda);

    private static bool BuiltForCuda(string file, KernelDefines config) =>
        file != Calibration.KernelFile
        || Calibration.SgemmConfigsFor(BackendKind.Cuda).Any(c => new KernelDefines().With("TS", c.Ts).With("WPT", c.Wpt).With("TK", c.Tk).Equals(config));

    private static string Describe(KernelDefines config) => config.Values.Count == 0 ? "defaults" : config.ToString();

    /// <summary>One line per kernel × config, sm_80 and sm_90 side by side: registers, spill stores/loads, shared memory, occupancy.</summary>
    private static string Table(IEnumerable<Row> rows)
    {
        var text = new StringBuilder($"NVRTC {NvrtcCompiler.Version}, `--ptxas-options=-v`; per arch: registers, spill stores/loads, "
            + $"shared memory per block, theoretical occupancy (floor {OccupancyFloor:P0}).\n\n");
        text.AppendLine($"| kernel | file | config | block | {string.Join(" | ", Archs)} |");
        text.AppendLine($"|---|---|---|---:|{string.Concat(Archs.Select(_ => "---:|"))}");
        foreach (var line in rows.GroupBy(r => (r.File, Config: r.Config.ToString(), r.Kernel.Kernel)))
        {
            var first = line.First();
            var cells = Archs.Select(arch => line.Single(r => r.Arch == arch)).Select(r => string.Create(CultureInfo.InvariantCulture,
                $"{r.Kernel.Registers} r, {r.Kernel.SpillStoreBytes}/{r.Kernel.SpillLoadBytes} B, {r.Kernel.SharedBytes} B, {r.Occupancy:P0}"));
            text.AppendLine($"| {first.Kernel.Kernel} | {first.File} | {Describe(first.Config)}{(first.BuiltForCuda ? "" : " (not a CUDA default)")} "
                + $"| {first.Block} | {string.Join(" | ", cells)} |");
        }
        return text.ToString();
    }
}
