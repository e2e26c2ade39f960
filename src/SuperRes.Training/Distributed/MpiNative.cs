using System.Runtime.InteropServices;
using System.Text;

namespace SuperRes.Training.Distributed;

/// <summary>
/// The few MPI calls data-parallel training needs, bound to Open MPI's <c>libmpi.so.40</c> (Debian's
/// openmpi 4.x; MPI.NET 1.4.0 was tried and cannot be used: it P/Invokes <c>msmpi.dll</c> with MS-MPI's
/// integer handles, while Open MPI's MPI_Comm, MPI_Datatype and MPI_Errhandler are addresses of exported
/// globals, read here with
/// <see cref="NativeLibrary.GetExport"/>). The library is opened RTLD_GLOBAL first, as Open MPI's plugins
/// resolve their symbols against it.
/// </summary>
internal static unsafe partial class MpiNative
{
    public const string Library = "libmpi.so.40";
    private const int Success = 0, MaxErrorString = 256, MaxProcessorName = 256;
    private const int RtldNow = 2, RtldGlobal = 0x100;

    private static nint _handle;

    public static nint CommWorld { get; private set; }
    public static nint Float { get; private set; }
    public static nint Byte { get; private set; }
    public static nint ErrorsReturn { get; private set; }

    /// <summary>Opens the library and reads the predefined handles; a missing library is a clear error.</summary>
    public static void Load()
    {
        if (_handle != 0)
            return;
        nint handle = dlopen(Library, RtldNow | RtldGlobal);
        if (handle == 0)
            throw new CollectiveException($"--distributed mpi: cannot load {Library} ({Marshal.PtrToStringUTF8(dlerror()) ?? "not found"}); install Open MPI (Debian: apt-get install openmpi-bin libopenmpi-dev)");
        CommWorld = Export(handle, "ompi_mpi_comm_world");
        Float = Export(handle, "ompi_mpi_float");
        Byte = Export(handle, "ompi_mpi_byte");
        ErrorsReturn = Export(handle, "ompi_mpi_errors_return");
        _handle = handle;
    }

    private static nint Export(nint handle, string name) =>
        NativeLibrary.TryGetExport(handle, name, out var address) ? address
            : throw new CollectiveException($"{Library} does not export {name}: it is not Open MPI (MPICH and others are not supported)");

    /// <summary>Throws <see cref="CollectiveException"/> naming the call and MPI's own text for a non-zero result.</summary>
    public static void Check(int result, string call)
    {
        if (result == Success)
            return;
        var text = new byte[MaxErrorString];
        int length = 0;
        fixed (byte* p = text)
            if (MPI_Error_string(result, p, &length) != Success)
                length = 0;
        string message = length > 0 ? Encoding.UTF8.GetString(text, 0, length) : $"error {result}";
        throw new CollectiveException($"{call} failed: {message}");
    }

    public static string ProcessorName()
    {
        var name = new byte[MaxProcessorName];
        int length = 0;
        fixed (byte* p = name)
            Check(MPI_Get_processor_name(p, &length), "MPI_Get_processor_name");
        return Encoding.UTF8.GetString(name, 0, length);
    }

    [LibraryImport("libc.so.6", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint dlopen(string file, int flags);

    [LibraryImport("libc.so.6")]
    private static partial nint dlerror();

    [LibraryImport(Library)] public static partial int MPI_Init(int* argc, byte*** argv);
    [LibraryImport(Library)] public static partial int MPI_Initialized(int* flag);
    [LibraryImport(Library)] public static partial int MPI_Finalized(int* flag);
    [LibraryImport(Library)] public static partial int MPI_Finalize();
    [LibraryImport(Library)] public static partial int MPI_Comm_rank(nint comm, int* rank);
    [LibraryImport(Library)] public static partial int MPI_Comm_size(nint comm, int* size);
    [LibraryImport(Library)] public static partial int MPI_Comm_set_errhandler(nint comm, nint handler);
    [LibraryImport(Library)] public static partial int MPI_Get_processor_name(byte* name, int* length);
    [LibraryImport(Library)] public static partial int MPI_Error_string(int code, byte* text, int* length);
    [LibraryImport(Library)] public static partial int MPI_Alltoall(void* send, int sendCount, nint sendType, void* receive, int receiveCount, nint receiveType, nint comm);
    [LibraryImport(Library)] public static partial int MPI_Allgather(void* send, int sendCount, nint sendType, void* receive, int receiveCount, nint receiveType, nint comm);
    [LibraryImport(Library)] public static partial int MPI_Bcast(void* buffer, int count, nint type, int root, nint comm);
    [LibraryImport(Library)] public static partial int MPI_Barrier(nint comm);
    [LibraryImport(Library)] public static partial int MPI_Abort(nint comm, int code);
}
