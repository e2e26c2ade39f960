using System.Text;
using static SuperRes.Runtime.OpenCL.OpenClNative;

namespace SuperRes.Runtime.OpenCL;

/// <summary>Typed wrappers over clGetPlatformInfo / clGetDeviceInfo (size query, then fill).</summary>
internal static unsafe class OpenClInfo
{
    public static string PlatformString(nint platform, uint param)
    {
        nuint size;
        OpenClErrors.Check(clGetPlatformInfo(platform, param, 0, null, &size), "clGetPlatformInfo");
        var bytes = new byte[(int)size];
        fixed (byte* p = bytes)
            OpenClErrors.Check(clGetPlatformInfo(platform, param, size, p, null), "clGetPlatformInfo");
        return Decode(bytes);
    }

    public static string DeviceString(nint device, uint param)
    {
        nuint size;
        OpenClErrors.Check(clGetDeviceInfo(device, param, 0, null, &size), "clGetDeviceInfo");
        var bytes = new byte[(int)size];
        fixed (byte* p = bytes)
            OpenClErrors.Check(clGetDeviceInfo(device, param, size, p, null), "clGetDeviceInfo");
        return Decode(bytes);
    }

    /// <summary>A fixed-size device property (cl_uint, cl_ulong, size_t, cl_bitfield).</summary>
    public static T DeviceValue<T>(nint device, uint param) where T : unmanaged
    {
        T value = default;
        OpenClErrors.Check(clGetDeviceInfo(device, param, (nuint)sizeof(T), &value, null), "clGetDeviceInfo");
        return value;
    }

    /// <summary>Reads the major.minor of strings such as <c>OpenCL 3.0 PoCL ...</c> (platform and device versions).</summary>
    public static (int Major, int Minor) ParseVersion(string version)
    {
        var parts = version.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length >= 2)
        {
            var numbers = parts[1].Split('.');
            if (numbers.Length >= 2 && int.TryParse(numbers[0], out int major) && int.TryParse(numbers[1], out int minor))
                return (major, minor);
        }
        return (0, 0);
    }

    // Info strings are NUL-terminated; some drivers pad names with spaces.
    private static string Decode(byte[] bytes)
    {
        int end = Array.IndexOf(bytes, (byte)0);
        return Encoding.UTF8.GetString(bytes, 0, end < 0 ? bytes.Length : end).Trim();
    }
}
