using System.Runtime.InteropServices;

namespace SuperRes.Runtime.Cuda;

/// <summary>
/// The CUDA driver API calls this backend uses. Every function returns a CUresult (0 = success); callers
/// pass it through <see cref="CudaErrors.Check"/>. Handles (CUcontext, CUstream, CUmodule, CUfunction,
/// CUevent) are opaque pointers; CUdevice is an int; CUdeviceptr is a 64-bit integer on 64-bit hosts.
/// The "_v2" names are the real exported symbols that cuda.h maps the plain names to.
/// </summary>
internal static unsafe partial class CudaApi
{
    private const string Lib = NativeLibraries.CudaDriver;

    public const int Success = 0;
    public const int ErrorOutOfMemory = 2;
    public const int ErrorNoDevice = 100;

    // CUdevice_attribute values.
    public const int AttributeMaxThreadsPerBlock = 1;
    public const int AttributeMaxSharedMemoryPerBlock = 8;
    public const int AttributeMultiprocessorCount = 16;
    public const int AttributeComputeCapabilityMajor = 75;
    public const int AttributeComputeCapabilityMinor = 76;

    [LibraryImport(Lib)] public static partial int cuInit(uint flags);
    [LibraryImport(Lib)] public static partial int cuDriverGetVersion(int* version);
    [LibraryImport(Lib)] public static partial int cuGetErrorName(int error, byte** name);

    [LibraryImport(Lib)] public static partial int cuDeviceGetCount(int* count);
    [LibraryImport(Lib)] public static partial int cuDeviceGet(int* device, int ordinal);
    [LibraryImport(Lib)] public static partial int cuDeviceGetName(byte* name, int length, int device);
    [LibraryImport(Lib)] public static partial int cuDeviceTotalMem_v2(nuint* bytes, int device);
    [LibraryImport(Lib)] public static partial int cuDeviceGetAttribute(int* value, int attribute, int device);

    [LibraryImport(Lib)] public static partial int cuDevicePrimaryCtxRetain(nint* context, int device);
    [LibraryImport(Lib)] public static partial int cuDevicePrimaryCtxRelease_v2(int device);
    [LibraryImport(Lib)] public static partial int cuCtxSetCurrent(nint context);

    [LibraryImport(Lib)] public static partial int cuStreamCreate(nint* stream, uint flags);
    [LibraryImport(Lib)] public static partial int cuStreamSynchronize(nint stream);
    [LibraryImport(Lib)] public static partial int cuStreamDestroy_v2(nint stream);

    [LibraryImport(Lib)] public static partial int cuMemAlloc_v2(ulong* pointer, nuint bytes);
    [LibraryImport(Lib)] public static partial int cuMemFree_v2(ulong pointer);
    [LibraryImport(Lib)] public static partial int cuMemGetInfo_v2(nuint* free, nuint* total);
    [LibraryImport(Lib)] public static partial int cuMemcpyHtoD_v2(ulong destination, void* source, nuint bytes);
    [LibraryImport(Lib)] public static partial int cuMemcpyDtoH_v2(void* destination, ulong source, nuint bytes);
    [LibraryImport(Lib)] public static partial int cuMemcpyHtoDAsync_v2(ulong destination, void* source, nuint bytes, nint stream);
    [LibraryImport(Lib)] public static partial int cuMemcpyDtoHAsync_v2(void* destination, ulong source, nuint bytes, nint stream);
    [LibraryImport(Lib)] public static partial int cuMemcpyDtoDAsync_v2(ulong destination, ulong source, nuint bytes, nint stream);

    [LibraryImport(Lib)] public static partial int cuModuleLoadData(nint* module, void* image);
    [LibraryImport(Lib)] public static partial int cuModuleUnload(nint module);
    [LibraryImport(Lib)] public static partial int cuModuleGetFunction(nint* function, nint module, byte* name);

    [LibraryImport(Lib)]
    public static partial int cuLaunchKernel(
        nint function,
        uint gridX, uint gridY, uint gridZ,
        uint blockX, uint blockY, uint blockZ,
        uint sharedMemoryBytes, nint stream, void** parameters, void** extra);

    [LibraryImport(Lib)] public static partial int cuEventCreate(nint* ev, uint flags);
    [LibraryImport(Lib)] public static partial int cuEventRecord(nint ev, nint stream);
    [LibraryImport(Lib)] public static partial int cuEventSynchronize(nint ev);
    [LibraryImport(Lib)] public static partial int cuEventElapsedTime(float* milliseconds, nint start, nint end);
    [LibraryImport(Lib)] public static partial int cuEventDestroy_v2(nint ev);
}
