using System.Runtime.InteropServices;
using static SuperRes.Runtime.OpenCL.OpenClNative;

namespace SuperRes.Runtime.OpenCL;

/// <summary>One discovered OpenCL device with the handles needed to open it.</summary>
internal sealed record OpenClDeviceEntry(nint Platform, nint Device, string PlatformName, string PlatformVersion, string DeviceName, DeviceInfo Info);

/// <summary>
/// OpenCL devices of every installed platform (GPU, CPU, accelerator). Platforms are listed by name so that
/// <c>opencl:N</c> means the same device from run to run whatever order the ICD loader reads its vendor files in.
/// </summary>
public sealed class OpenClProvider : IBackendProvider
{
    internal const string MissingLibraryMessage =
        "no OpenCL runtime found (libOpenCL.so.1): install an ICD loader and a driver, e.g. `apt-get install ocl-icd-libopencl1 pocl-opencl-icd`";

    private const string VendorsDirectory = "/etc/OpenCL/vendors";
    private static volatile bool _libraryLoaded;

    public BackendKind Kind => BackendKind.OpenCL;

    public IReadOnlyList<DeviceInfo> Discover() => Enumerate().Select(e => e.Info).ToList();

    public Device Open(DeviceInfo info, long? memoryCapBytes)
    {
        if (info.Backend != BackendKind.OpenCL)
            throw new ArgumentException($"{info.Id} is not an OpenCL device", nameof(info));
        var entry = Enumerate().FirstOrDefault(e => e.Info.Index == info.Index && e.Info.Name == info.Name)
            ?? throw new DeviceSelectionException($"OpenCL device {info.Id} ({info.Name}) is no longer present");
        return new OpenClDevice(entry, memoryCapBytes ?? entry.Info.MemoryBytes);
    }

    /// <summary>Throws <see cref="NativeLibraryMissingException"/> unless the ICD loader can be loaded; before any OpenCL call.</summary>
    internal static void EnsureLibrary()
    {
        if (_libraryLoaded)
            return;
        if (!NativeLibrary.TryLoad(Library, out _))
            throw new NativeLibraryMissingException(MissingLibraryMessage);
        _libraryLoaded = true;
    }

    internal static unsafe IReadOnlyList<OpenClDeviceEntry> Enumerate()
    {
        EnsureLibrary();
        uint count;
        int status = clGetPlatformIDs(0, null, &count);
        if (status == OpenClErrors.CL_PLATFORM_NOT_FOUND_KHR || (status == OpenClErrors.CL_SUCCESS && count == 0))
            throw new SuperResException(NoPlatformMessage());
        OpenClErrors.Check(status, "clGetPlatformIDs");
        var platforms = new nint[count];
        fixed (nint* p = platforms)
            OpenClErrors.Check(clGetPlatformIDs(count, p, null), "clGetPlatformIDs");

        var ordered = platforms
            .Select((handle, order) => (handle, order, name: OpenClInfo.PlatformString(handle, CL_PLATFORM_NAME)))
            .OrderBy(p => p.name, StringComparer.Ordinal)
            .ThenBy(p => p.order);

        var entries = new List<OpenClDeviceEntry>();
        var tooOld = new List<string>();
        foreach (var (platform, _, platformName) in ordered)
        {
            string platformVersion = OpenClInfo.PlatformString(platform, CL_PLATFORM_VERSION);
            foreach (var device in DevicesOf(platform))
            {
                string deviceName = OpenClInfo.DeviceString(device, CL_DEVICE_NAME);
                string deviceVersion = OpenClInfo.DeviceString(device, CL_DEVICE_VERSION);
                // Markers with wait lists and -cl-std=CL1.2 need 1.2; an older device would fail later and less clearly.
                if (OpenClInfo.ParseVersion(deviceVersion).CompareTo((1, 2)) < 0)
                {
                    tooOld.Add($"{deviceName} ({deviceVersion})");
                    continue;
                }
                ulong type = OpenClInfo.DeviceValue<ulong>(device, CL_DEVICE_TYPE);
                var info = new DeviceInfo(
                    BackendKind.OpenCL,
                    entries.Count,
                    $"{deviceName} ({platformName})",
                    (long)Math.Min(OpenClInfo.DeviceValue<ulong>(device, CL_DEVICE_GLOBAL_MEM_SIZE), long.MaxValue),
                    (int)OpenClInfo.DeviceValue<uint>(device, CL_DEVICE_MAX_COMPUTE_UNITS),
                    OpenClInfo.DeviceString(device, CL_DRIVER_VERSION),
                    deviceVersion,
                    IsGpu: (type & CL_DEVICE_TYPE_GPU) != 0);
                entries.Add(new OpenClDeviceEntry(platform, device, platformName, platformVersion, deviceName, info));
            }
        }
        if (entries.Count == 0 && tooOld.Count > 0)
            throw new SuperResException($"the OpenCL devices found need OpenCL 1.2 or later: {string.Join(", ", tooOld)}");
        return entries;
    }

    private static unsafe nint[] DevicesOf(nint platform)
    {
        const ulong types = CL_DEVICE_TYPE_GPU | CL_DEVICE_TYPE_CPU | CL_DEVICE_TYPE_ACCELERATOR;
        uint count;
        int status = clGetDeviceIDs(platform, types, 0, null, &count);
        if (status == OpenClErrors.CL_DEVICE_NOT_FOUND)
            return [];
        OpenClErrors.Check(status, "clGetDeviceIDs");
        var devices = new nint[count];
        fixed (nint* p = devices)
            OpenClErrors.Check(clGetDeviceIDs(platform, types, count, p, null), "clGetDeviceIDs");
        return devices;
    }

    internal static string NoPlatformMessage()
    {
        string vendors = Environment.GetEnvironmentVariable("OCL_ICD_VENDORS") is { Length: > 0 } custom ? custom : VendorsDirectory;
        string contents;
        try
        {
            var icds = Directory.Exists(vendors)
                ? Directory.GetFiles(vendors, "*.icd").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()
                : null;
            contents = icds is null ? $"{vendors} does not exist"
                : icds.Length == 0 ? $"{vendors} holds no .icd files"
                : $"{vendors} names {string.Join(", ", icds)}, but none of those drivers loaded (is the library each .icd file names installed?)";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            contents = $"{vendors} cannot be read ({e.Message})";
        }
        return "the OpenCL loader (libOpenCL.so.1) found no platform: each driver registers itself with an .icd file in "
            + $"{VendorsDirectory}, and {contents}. Install a driver, e.g. `apt-get install pocl-opencl-icd` for the CPU "
            + "or your GPU vendor's OpenCL package";
    }
}
