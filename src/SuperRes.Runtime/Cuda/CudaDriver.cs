using System.Runtime.ExceptionServices;

namespace SuperRes.Runtime.Cuda;

/// <summary>
/// Loads libcuda.so.1 and runs cuInit once per process. Every later use sees the same outcome: either the
/// driver version, or the same user-facing reason why CUDA cannot be used (never a crash of the process).
/// </summary>
internal static unsafe class CudaDriver
{
    public const string MissingMessage = "no CUDA driver found (libcuda.so.1): install the NVIDIA driver";

    private static readonly Lazy<(int Version, Exception? Error)> State = new(Initialize);

    /// <summary>Whether libcuda.so.1 can be loaded at all (no cuInit).</summary>
    public static bool IsLibraryPresent => NativeLibraries.TryLoad(NativeLibraries.CudaDriver, out _, out _);

    /// <summary>cuDriverGetVersion, e.g. 12040; throws the initialization problem if there is one.</summary>
    public static int Version
    {
        get
        {
            var (version, error) = State.Value;
            if (error is not null)
                ExceptionDispatchInfo.Throw(error);
            return version;
        }
    }

    /// <summary>The driver's CUDA version as <c>12.4</c>.</summary>
    public static string VersionText => Format(Version);

    public static string Format(int version) => $"{version / 1000}.{version % 1000 / 10}";

    public static void EnsureInitialized() => _ = Version;

    private static (int, Exception?) Initialize()
    {
        if (!IsLibraryPresent)
            return (0, new NativeLibraryMissingException(MissingMessage));
        try
        {
            int status = CudaApi.cuInit(0);
            if (status == CudaApi.ErrorNoDevice)
                return (0, new SuperResException("the NVIDIA driver (libcuda.so.1) is installed but finds no CUDA device (cuInit: CUDA_ERROR_NO_DEVICE)"));
            if (status == 34)
                return (0, new NativeLibraryMissingException(
                    "the libcuda.so.1 found is the CUDA toolkit's stub, not a driver (cuInit: CUDA_ERROR_STUB_LIBRARY): install the NVIDIA driver"));
            CudaErrors.Check(status, "cuInit");
            int version;
            CudaErrors.Check(CudaApi.cuDriverGetVersion(&version), "cuDriverGetVersion");
            return (version, null);
        }
        catch (NativeCallException e)
        {
            return (0, e);
        }
        catch (EntryPointNotFoundException e)
        {
            return (0, new SuperResException($"the NVIDIA driver is too old for this program ({e.Message}): update the driver"));
        }
    }
}
