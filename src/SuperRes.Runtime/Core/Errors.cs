namespace SuperRes.Runtime;

/// <summary>A native API call returned a failure status; the message names the call and the status.</summary>
public sealed class NativeCallException : SuperResException
{
    public NativeCallException(string api, string call, long status, string statusName, string? detail = null)
        : base($"{api} call {call} failed with {statusName} ({status})" + (detail is null ? "" : $": {detail}"))
    {
        Api = api;
        Call = call;
        Status = status;
        StatusName = statusName;
    }

    public string Api { get; }
    public string Call { get; }
    public long Status { get; }
    public string StatusName { get; }
}

/// <summary>A backend's shared library (libOpenCL.so.1, libcuda.so.1, libnvrtc) is not installed.</summary>
public sealed class NativeLibraryMissingException(string message) : SuperResException(message);

/// <summary>A kernel failed to compile; the message holds the compiler log with file and line.</summary>
public sealed class KernelBuildException(string message) : SuperResException(message);

/// <summary>An allocation would exceed the device memory or the configured cap.</summary>
public sealed class DeviceOutOfMemoryException(string device, long requestedBytes, long inUseBytes, long capBytes, string? detail = null)
    : SuperResException(
        $"out of memory on {device}: asked for {Bytes.Format(requestedBytes)}, {Bytes.Format(inUseBytes)} in use, cap {Bytes.Format(capBytes)}"
        + (detail is null ? "" : $" ({detail})"))
{
    public long RequestedBytes { get; } = requestedBytes;
    public long InUseBytes { get; } = inUseBytes;
    public long CapBytes { get; } = capBytes;
}

/// <summary>The device a user asked for does not exist or cannot be used.</summary>
public sealed class DeviceSelectionException(string message) : SuperResException(message);
