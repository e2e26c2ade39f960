namespace SuperRes.Runtime.Tuning;

/// <summary>
/// The kind of hardware a kernel device is, for the shipped kernel parameters when no tuning database exists:
/// GPUs like work-groups that share tiles in local memory, CPU OpenCL devices (PoCL) like large register
/// blocks per work-item and no barriers.
/// </summary>
public enum DeviceClass
{
    Gpu,
    Cpu,
}

public static class DeviceClasses
{
    public static DeviceClass Of(DeviceInfo info) => info.IsGpu ? DeviceClass.Gpu : DeviceClass.Cpu;

    /// <summary>Parses <c>gpu</c> or <c>cpu</c> (the tag of a kernel file's <c>// @config(cpu)</c> line).</summary>
    public static DeviceClass Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "gpu" => DeviceClass.Gpu,
        "cpu" => DeviceClass.Cpu,
        _ => throw new ArgumentException($"'{text}' is not a device class (gpu or cpu)"),
    };
}

/// <summary>A define set a kernel file declares with <c>// @config</c>; <see cref="Class"/> when tagged <c>// @config(cpu)</c> or <c>(gpu)</c>.</summary>
public sealed record KernelConfig(KernelDefines Defines, DeviceClass? Class);
