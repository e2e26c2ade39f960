namespace SuperRes.Runtime;

/// <summary>Finds and opens the devices of one backend.</summary>
public interface IBackendProvider
{
    BackendKind Kind { get; }

    /// <summary>
    /// The usable devices, in the backend's order. Throws <see cref="SuperResException"/> (typically
    /// <see cref="NativeLibraryMissingException"/>) with a user-facing reason when the backend is unavailable.
    /// </summary>
    IReadOnlyList<DeviceInfo> Discover();

    Device Open(DeviceInfo info, long? memoryCapBytes);
}
