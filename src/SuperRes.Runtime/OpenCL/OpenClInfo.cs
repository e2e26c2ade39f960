using System.Text;
using static SuperRes.Runtime.OpenCL.OpenClNative;

namespace SuperRes.Runtime.OpenCL;

/// <summary>Typed wrappers over the clGet*Info calls (size query, then fill).</summary>
internal static unsafe class OpenClInfo
{
    /// <summary>One clGet*Info call with its arguments bound: (value size, value, size returned) → status.</summary>
    public delegate int InfoCall(nuint size, void* value, nuint* sizeReturned);

    /// <summary>A variable-size property: ask for its size, then fill a buffer of that size.</summary>
    public static byte[] Bytes(InfoCall call, string name)
    {
        nuint size;
        OpenClErrors.Check(call(0, null, &size), name);
        var bytes = new byte[(int)size];
        fixed (byte* p = bytes)
            OpenClErrors.Check(call(size, p, null), name);
        return bytes;
    }

    public static string PlatformString(nint platform, uint param) =>
        Decode(Bytes((size, value, returned) => clGetPlatformInfo(platform, param, size, value, returned), "clGetPlatformInfo"));

    public static string DeviceString(nint device, uint param) =>
        Decode(Bytes((size, value, returned) => clGetDeviceInfo(device, param, size, value, returned), "clGetDeviceInfo"));

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

    /// <summary>An info string: NUL-terminated, and some drivers pad names with spaces.</summary>
    public static string Decode(byte[] bytes)
    {
        int end = Array.IndexOf(bytes, (byte)0);
        return Encoding.UTF8.GetString(bytes, 0, end < 0 ? bytes.Length : end).Trim();
    }
}
