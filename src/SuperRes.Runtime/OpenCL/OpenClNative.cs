using System.Runtime.InteropServices;

namespace SuperRes.Runtime.OpenCL;

/// <summary>
/// Thin bindings to the OpenCL ICD loader: exactly the calls the backend makes, with raw pointers so the
/// generated stubs do no marshalling. Handles (cl_platform_id, cl_mem, ...) are <see cref="nint"/>;
/// cl_int is int, cl_uint and cl_bool are uint, size_t is nuint, cl_bitfield and cl_ulong are ulong.
/// Call <see cref="OpenClProvider.EnsureLibrary"/> first: a missing library must be a clear error, not a crash.
/// </summary>
internal static unsafe partial class OpenClNative
{
    public const string Library = "libOpenCL.so.1";

    public const uint CL_FALSE = 0;
    public const uint CL_TRUE = 1;

    // clGetPlatformInfo
    public const uint CL_PLATFORM_VERSION = 0x0901;
    public const uint CL_PLATFORM_NAME = 0x0902;

    // clGetDeviceIDs / CL_DEVICE_TYPE
    public const ulong CL_DEVICE_TYPE_CPU = 1 << 1;
    public const ulong CL_DEVICE_TYPE_GPU = 1 << 2;
    public const ulong CL_DEVICE_TYPE_ACCELERATOR = 1 << 3;

    // clGetDeviceInfo
    public const uint CL_DEVICE_TYPE = 0x1000;
    public const uint CL_DEVICE_MAX_COMPUTE_UNITS = 0x1002;
    public const uint CL_DEVICE_MAX_WORK_GROUP_SIZE = 0x1004;
    public const uint CL_DEVICE_MAX_MEM_ALLOC_SIZE = 0x1010;
    public const uint CL_DEVICE_GLOBAL_MEM_SIZE = 0x101F;
    public const uint CL_DEVICE_LOCAL_MEM_SIZE = 0x1023;
    public const uint CL_DEVICE_NAME = 0x102B;
    public const uint CL_DRIVER_VERSION = 0x102D;
    public const uint CL_DEVICE_VERSION = 0x102F;
    public const uint CL_DEVICE_OPENCL_C_VERSION = 0x103D;
    public const uint CL_DEVICE_OPENCL_C_ALL_VERSIONS = 0x1066; // OpenCL 3.0: cl_name_version[]

    // clCreateContext / clCreateCommandQueue*
    public const nint CL_CONTEXT_PLATFORM = 0x1084;
    public const ulong CL_QUEUE_PROPERTIES = 0x1093;
    public const ulong CL_QUEUE_PROFILING_ENABLE = 1 << 1;

    // clCreateBuffer
    public const ulong CL_MEM_READ_WRITE = 1 << 0;

    // clGetProgramInfo / clGetProgramBuildInfo
    public const uint CL_PROGRAM_BINARY_SIZES = 0x1165;
    public const uint CL_PROGRAM_BINARIES = 0x1166;
    public const uint CL_PROGRAM_BUILD_LOG = 0x1183;

    // clGetEventProfilingInfo
    public const uint CL_PROFILING_COMMAND_START = 0x1282;
    public const uint CL_PROFILING_COMMAND_END = 0x1283;
    public const uint CL_PROFILING_COMMAND_COMPLETE = 0x1284;

    [LibraryImport(Library)]
    public static partial int clGetPlatformIDs(uint numEntries, nint* platforms, uint* numPlatforms);

    [LibraryImport(Library)]
    public static partial int clGetPlatformInfo(nint platform, uint paramName, nuint valueSize, void* value, nuint* valueSizeRet);

    [LibraryImport(Library)]
    public static partial int clGetDeviceIDs(nint platform, ulong deviceType, uint numEntries, nint* devices, uint* numDevices);

    [LibraryImport(Library)]
    public static partial int clGetDeviceInfo(nint device, uint paramName, nuint valueSize, void* value, nuint* valueSizeRet);

    [LibraryImport(Library)]
    public static partial nint clCreateContext(nint* properties, uint numDevices, nint* devices, nint notify, nint userData, int* errcodeRet);

    /// <summary>OpenCL 2.0+; used when the platform reports 2.0 or later.</summary>
    [LibraryImport(Library)]
    public static partial nint clCreateCommandQueueWithProperties(nint context, nint device, ulong* properties, int* errcodeRet);

    /// <summary>OpenCL 1.2 (deprecated in 2.0); only for 1.2 platforms, whose dispatch table lacks the 2.0 call.</summary>
    [LibraryImport(Library)]
    public static partial nint clCreateCommandQueue(nint context, nint device, ulong properties, int* errcodeRet);

    [LibraryImport(Library)]
    public static partial nint clCreateBuffer(nint context, ulong flags, nuint size, void* hostPtr, int* errcodeRet);

    [LibraryImport(Library)]
    public static partial int clReleaseMemObject(nint memObject);

    [LibraryImport(Library)]
    public static partial int clEnqueueWriteBuffer(nint queue, nint buffer, uint blocking, nuint offset, nuint size, void* ptr,
        uint numEventsInWaitList, nint* eventWaitList, nint* evt);

    [LibraryImport(Library)]
    public static partial int clEnqueueReadBuffer(nint queue, nint buffer, uint blocking, nuint offset, nuint size, void* ptr,
        uint numEventsInWaitList, nint* eventWaitList, nint* evt);

    [LibraryImport(Library)]
    public static partial int clEnqueueCopyBuffer(nint queue, nint source, nint destination, nuint sourceOffset, nuint destinationOffset,
        nuint size, uint numEventsInWaitList, nint* eventWaitList, nint* evt);

    [LibraryImport(Library)]
    public static partial nint clCreateProgramWithSource(nint context, uint count, byte** strings, nuint* lengths, int* errcodeRet);

    [LibraryImport(Library)]
    public static partial nint clCreateProgramWithBinary(nint context, uint numDevices, nint* devices, nuint* lengths, byte** binaries,
        int* binaryStatus, int* errcodeRet);

    [LibraryImport(Library)]
    public static partial int clBuildProgram(nint program, uint numDevices, nint* devices, byte* options, nint notify, nint userData);

    [LibraryImport(Library)]
    public static partial int clGetProgramBuildInfo(nint program, nint device, uint paramName, nuint valueSize, void* value, nuint* valueSizeRet);

    [LibraryImport(Library)]
    public static partial int clGetProgramInfo(nint program, uint paramName, nuint valueSize, void* value, nuint* valueSizeRet);

    [LibraryImport(Library)]
    public static partial nint clCreateKernel(nint program, byte* kernelName, int* errcodeRet);

    [LibraryImport(Library)]
    public static partial int clSetKernelArg(nint kernel, uint argIndex, nuint argSize, void* argValue);

    [LibraryImport(Library)]
    public static partial int clEnqueueNDRangeKernel(nint queue, nint kernel, uint workDim, nuint* globalWorkOffset, nuint* globalWorkSize,
        nuint* localWorkSize, uint numEventsInWaitList, nint* eventWaitList, nint* evt);

    [LibraryImport(Library)]
    public static partial int clFinish(nint queue);

    [LibraryImport(Library)]
    public static partial int clFlush(nint queue);

    [LibraryImport(Library)]
    public static partial int clEnqueueMarkerWithWaitList(nint queue, uint numEventsInWaitList, nint* eventWaitList, nint* evt);

    [LibraryImport(Library)]
    public static partial int clGetEventProfilingInfo(nint evt, uint paramName, nuint valueSize, void* value, nuint* valueSizeRet);

    [LibraryImport(Library)]
    public static partial int clWaitForEvents(uint numEvents, nint* eventList);

    [LibraryImport(Library)]
    public static partial int clReleaseEvent(nint evt);

    [LibraryImport(Library)]
    public static partial int clReleaseKernel(nint kernel);

    [LibraryImport(Library)]
    public static partial int clReleaseProgram(nint program);

    [LibraryImport(Library)]
    public static partial int clReleaseCommandQueue(nint queue);

    [LibraryImport(Library)]
    public static partial int clReleaseContext(nint context);
}
