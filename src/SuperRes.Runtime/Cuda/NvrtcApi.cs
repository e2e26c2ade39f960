using System.Runtime.InteropServices;

namespace SuperRes.Runtime.Cuda;

/// <summary>
/// NVRTC calls. The import name is the logical "nvrtc", which <see cref="NativeLibraries"/> resolves to the
/// newest libnvrtc.so.N found (the soname changes with every CUDA major version). Every function but
/// <see cref="nvrtcGetErrorString"/> returns an nvrtcResult (0 = success).
/// </summary>
internal static unsafe partial class NvrtcApi
{
    private const string Lib = NativeLibraries.Nvrtc;

    public const int Success = 0;
    public const int ErrorCompilation = 6;

    [LibraryImport(Lib)] public static partial int nvrtcVersion(int* major, int* minor);
    [LibraryImport(Lib)] public static partial int nvrtcGetNumSupportedArchs(int* count);
    [LibraryImport(Lib)] public static partial int nvrtcGetSupportedArchs(int* archs);

    [LibraryImport(Lib)]
    public static partial int nvrtcCreateProgram(nint* program, byte* source, byte* name, int headerCount, byte** headers, byte** includeNames);

    [LibraryImport(Lib)] public static partial int nvrtcCompileProgram(nint program, int optionCount, byte** options);
    [LibraryImport(Lib)] public static partial int nvrtcGetProgramLogSize(nint program, nuint* size);
    [LibraryImport(Lib)] public static partial int nvrtcGetProgramLog(nint program, byte* log);
    [LibraryImport(Lib)] public static partial int nvrtcGetPTXSize(nint program, nuint* size);
    [LibraryImport(Lib)] public static partial int nvrtcGetPTX(nint program, byte* ptx);
    [LibraryImport(Lib)] public static partial int nvrtcGetCUBINSize(nint program, nuint* size);
    [LibraryImport(Lib)] public static partial int nvrtcGetCUBIN(nint program, byte* cubin);
    [LibraryImport(Lib)] public static partial int nvrtcDestroyProgram(nint* program);
    [LibraryImport(Lib)] public static partial byte* nvrtcGetErrorString(int result);
}
