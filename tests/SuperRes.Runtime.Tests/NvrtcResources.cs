using System.Globalization;
using System.Text.RegularExpressions;

namespace SuperRes.Runtime.Tests;

/// <summary>What ptxas reports for one kernel entry point (NVRTC with <c>--ptxas-options=-v</c>).</summary>
internal sealed record KernelResources(string Kernel, int Registers, int StackBytes, int SpillStoreBytes, int SpillLoadBytes, int SharedBytes)
{
    public bool Spills => SpillStoreBytes > 0 || SpillLoadBytes > 0;
}

/// <summary>Reads ptxas's verbose log: one block per entry point, in the order ptxas compiles them.</summary>
internal static partial class NvrtcResourceLog
{
    public static IReadOnlyList<KernelResources> Parse(string log)
    {
        var kernels = new List<KernelResources>();
        string? entry = null;
        (int Stack, int Stores, int Loads)? frame = null;
        foreach (var line in log.Split('\n'))
        {
            if (EntryLine().Match(line) is { Success: true } e)
                (entry, frame) = (e.Groups[1].Value, null);
            else if (entry is not null && FrameLine().Match(line) is { Success: true } f)
                frame = (Int(f.Groups[1]), Int(f.Groups[2]), Int(f.Groups[3]));
            else if (entry is not null && UsageLine().Match(line) is { Success: true } u)
            {
                if (frame is null)
                    throw new FormatException($"ptxas gave no stack/spill line for {entry}:\n{log}");
                int shared = u.Groups[2].Success ? Int(u.Groups[2]) : 0;
                kernels.Add(new KernelResources(entry, Int(u.Groups[1]), frame.Value.Stack, frame.Value.Stores, frame.Value.Loads, shared));
                (entry, frame) = (null, null);
            }
        }
        return kernels;
    }

    private static int Int(Group g) => int.Parse(g.Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Compiling entry function '([^']+)'")]
    private static partial Regex EntryLine();

    [GeneratedRegex(@"(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads")]
    private static partial Regex FrameLine();

    [GeneratedRegex(@"Used (\d+) registers(?:, (\d+) bytes smem)?")]
    private static partial Regex UsageLine();
}

/// <summary>
/// Theoretical occupancy (resident warps per SM over the maximum) as CUDA's occupancy calculator computes it,
/// for the SM limits of compute capability 8.0 (A100) and 9.0 (H100): 65536 registers, 64 warps (2048
/// threads) and 32 blocks per SM; registers allocated per warp in units of 256; shared memory allocated in
/// units of 128 bytes plus 1 KB that the system reserves per block, from 164 KB (8.0) or 228 KB (9.0) per SM.
/// </summary>
internal static class Occupancy
{
    private const int RegistersPerSm = 65536, MaxWarpsPerSm = 64, MaxBlocksPerSm = 32, WarpSize = 32;
    private const int RegisterUnit = 256, SharedUnit = 128, SharedReservedPerBlock = 1024;

    public static int SharedBytesPerSm(string arch) => arch switch
    {
        "sm_80" => 164 * 1024,
        "sm_90" => 228 * 1024,
        _ => throw new ArgumentException($"no SM limits known for {arch}", nameof(arch)),
    };

    /// <summary>Resident warps over 64, 0 when a block of this size cannot be launched at all.</summary>
    public static double Theoretical(string arch, int blockThreads, int registers, int sharedBytes)
    {
        int warpsPerBlock = (blockThreads + WarpSize - 1) / WarpSize;
        int registersPerWarp = RoundUp(Math.Max(registers, 1) * WarpSize, RegisterUnit);
        int byWarps = MaxWarpsPerSm / warpsPerBlock;
        int byRegisters = RegistersPerSm / registersPerWarp / warpsPerBlock;
        int sharedPerBlock = RoundUp(sharedBytes, SharedUnit) + SharedReservedPerBlock;
        int byShared = SharedBytesPerSm(arch) / sharedPerBlock;
        int blocks = Math.Min(MaxBlocksPerSm, Math.Min(byWarps, Math.Min(byRegisters, byShared)));
        return (double)(blocks * warpsPerBlock) / MaxWarpsPerSm;
    }

    private static int RoundUp(int value, int unit) => (value + unit - 1) / unit * unit;
}
