using System.Runtime.InteropServices;

namespace SuperRes.Runtime.Cpu;

/// <summary>The plain C# backend: always present.</summary>
public sealed class CpuProvider : IBackendProvider
{
    public BackendKind Kind => BackendKind.Cpu;

    public static DeviceInfo Info { get; } = new(
        BackendKind.Cpu,
        0,
        CpuName(),
        GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
        Environment.ProcessorCount,
        RuntimeInformation.FrameworkDescription,
        RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(),
        IsGpu: false);

    public IReadOnlyList<DeviceInfo> Discover() => [Info];

    public Device Open(DeviceInfo info, long? memoryCapBytes) => new CpuDevice(memoryCapBytes);

    private static string CpuName()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null)
                return "C# reference on " + line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return "C# reference on " + RuntimeInformation.ProcessArchitecture;
    }
}
