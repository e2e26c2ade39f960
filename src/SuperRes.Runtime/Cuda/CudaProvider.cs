using System.Runtime.InteropServices;

namespace SuperRes.Runtime.Cuda;

/// <summary>
/// NVIDIA GPUs through the CUDA driver API, with kernels compiled at run time by NVRTC. A GPU is only
/// reported usable when both the driver and NVRTC are present; otherwise discovery throws the reason.
/// </summary>
public sealed unsafe class CudaProvider : IBackendProvider
{
    public BackendKind Kind => BackendKind.Cuda;

    public IReadOnlyList<DeviceInfo> Discover()
    {
        CudaDriver.EnsureInitialized();
        int count;
        CudaErrors.Check(CudaApi.cuDeviceGetCount(&count), "cuDeviceGetCount");
        var devices = new List<DeviceInfo>(count);
        for (int ordinal = 0; ordinal < count; ordinal++)
            devices.Add(Describe(ordinal));
        if (devices.Count > 0 && !NvrtcCompiler.IsAvailable)
            throw new NativeLibraryMissingException(
                $"found {string.Join(", ", devices.Select(d => d.Name))} but cannot build kernels for it: {NvrtcCompiler.UnavailableReason}");
        return devices;
    }

    public Device Open(DeviceInfo info, long? memoryCapBytes)
    {
        if (info.Backend != BackendKind.Cuda)
            throw new ArgumentException($"{info.Id} is not a CUDA device", nameof(info));
        return new CudaDevice(info, memoryCapBytes ?? info.MemoryBytes);
    }

    internal static DeviceInfo Describe(int ordinal)
    {
        int device = GetDevice(ordinal);
        const int nameLength = 256;
        byte* name = stackalloc byte[nameLength];
        CudaErrors.Check(CudaApi.cuDeviceGetName(name, nameLength, device), "cuDeviceGetName");
        nuint total;
        CudaErrors.Check(CudaApi.cuDeviceTotalMem_v2(&total, device), "cuDeviceTotalMem_v2");
        return new DeviceInfo(
            BackendKind.Cuda,
            ordinal,
            Marshal.PtrToStringUTF8((nint)name) ?? $"CUDA device {ordinal}",
            (long)total,
            Attribute(device, CudaApi.AttributeMultiprocessorCount),
            CudaDriver.VersionText,
            Arch(device),
            IsGpu: true);
    }

    internal static int GetDevice(int ordinal)
    {
        int device;
        CudaErrors.Check(CudaApi.cuDeviceGet(&device, ordinal), "cuDeviceGet", $"ordinal {ordinal}");
        return device;
    }

    /// <summary>The compute capability as an NVRTC architecture name, e.g. <c>sm_86</c>.</summary>
    internal static string Arch(int device) =>
        $"sm_{Attribute(device, CudaApi.AttributeComputeCapabilityMajor)}{Attribute(device, CudaApi.AttributeComputeCapabilityMinor)}";

    internal static int Attribute(int device, int attribute)
    {
        int value;
        CudaErrors.Check(CudaApi.cuDeviceGetAttribute(&value, attribute, device), "cuDeviceGetAttribute", $"attribute {attribute}");
        return value;
    }
}
