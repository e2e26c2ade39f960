namespace SuperRes.Runtime.OpenCL;

// Being written in this session by the backend helper.
public sealed class OpenClProvider : IBackendProvider
{
    public BackendKind Kind => BackendKind.OpenCL;
    public IReadOnlyList<DeviceInfo> Discover() => throw new NativeLibraryMissingException("OpenCL backend not built yet");
    public Device Open(DeviceInfo info, long? memoryCapBytes) => throw new NativeLibraryMissingException("OpenCL backend not built yet");
}
