using System.Runtime.InteropServices;

namespace SuperRes.Training.Distributed;

/// <summary>ncclUniqueId: 128 opaque bytes that rank 0 makes and every rank passes, by value, to ncclCommInitRank.</summary>
[StructLayout(LayoutKind.Sequential, Size = Bytes)]
internal unsafe struct NcclUniqueId
{
    public const int Bytes = 128;
    public fixed byte Internal[Bytes];
}

/// <summary>
/// The NCCL calls the GPU backend needs, bound to <c>libnccl.so.2</c> (CUDA installs, PyTorch's CUDA wheels),
/// and the one driver call it needs besides (<c>cuStreamSynchronize</c> on the legacy default stream that the
/// NCCL calls are queued on). Every NCCL call returns an ncclResult_t, 0 on success.
/// </summary>
internal static unsafe partial class NcclNative
{
    public const string Library = "libnccl.so.2";
    private const string CudaDriver = "libcuda.so.1";

    /// <summary>ncclFloat32 in nccl.h's ncclDataType_t.</summary>
    public const int Float32 = 7;

    /// <summary>The legacy default stream (cudaStream_t 0): it orders with the device's blocking stream.</summary>
    public const nint DefaultStream = 0;

    public static bool IsAvailable() => NativeLibrary.TryLoad(Library, out _);

    public static void Check(int result, string call)
    {
        if (result != 0)
            throw new CollectiveException($"{call} failed: {Marshal.PtrToStringUTF8(ncclGetErrorString(result)) ?? $"ncclResult {result}"}");
    }

    public static void CheckCuda(int result, string call)
    {
        if (result != 0)
            throw new CollectiveException($"{call} failed: CUresult {result}");
    }

    [LibraryImport(Library)] public static partial int ncclGetVersion(int* version);
    [LibraryImport(Library)] public static partial int ncclGetUniqueId(NcclUniqueId* id);
    [LibraryImport(Library)] public static partial int ncclCommInitRank(nint* comm, int ranks, NcclUniqueId id, int rank);
    [LibraryImport(Library)] public static partial int ncclCommDestroy(nint comm);
    [LibraryImport(Library)] public static partial int ncclCommAbort(nint comm);
    [LibraryImport(Library)] public static partial nint ncclGetErrorString(int result);
    [LibraryImport(Library)] public static partial int ncclGroupStart();
    [LibraryImport(Library)] public static partial int ncclGroupEnd();
    [LibraryImport(Library)] public static partial int ncclSend(nint send, nuint count, int type, int peer, nint comm, nint stream);
    [LibraryImport(Library)] public static partial int ncclRecv(nint receive, nuint count, int type, int peer, nint comm, nint stream);
    [LibraryImport(Library)] public static partial int ncclAllGather(nint send, nint receive, nuint count, int type, nint comm, nint stream);
    [LibraryImport(Library)] public static partial int ncclBroadcast(nint send, nint receive, nuint count, int type, int root, nint comm, nint stream);
    [LibraryImport(CudaDriver)] public static partial int cuStreamSynchronize(nint stream);
}
