namespace SuperRes.Runtime.Cuda;

// Being written in this session by the backend helper.
public sealed class CudaProvider : IBackendProvider
{
    public BackendKind Kind => BackendKind.Cuda;
    public IReadOnlyList<DeviceInfo> Discover() => throw new NativeLibraryMissingException("Cuda backend not built yet");
    public Device Open(DeviceInfo info, long? memoryCapBytes) => throw new NativeLibraryMissingException("Cuda backend not built yet");
}
