using static SuperRes.Runtime.OpenCL.OpenClNative;

namespace SuperRes.Runtime.OpenCL;

/// <summary>
/// The OpenCL C version kernels are compiled as: the newest of 3.0, 2.0 and 1.2 that the device lists
/// (CL_DEVICE_OPENCL_C_ALL_VERSIONS on OpenCL 3.0 devices, CL_DEVICE_OPENCL_C_VERSION before). Without
/// <c>-cl-std</c> a compiler assumes 1.2 at most, and some generate better code for a newer standard; the kernel
/// dialect uses nothing that differs between them.
/// </summary>
internal static unsafe class OpenClLanguage
{
    private static readonly (int Major, int Minor)[] Known = [(3, 0), (2, 0), (1, 2)];

    public static string Option(nint device)
    {
        var supported = new List<(int, int)> { OpenClInfo.ParseVersion(CVersion(device)) };
        supported.AddRange(AllVersions(device));
        var best = Known.FirstOrDefault(v => supported.Contains(v), (Major: 1, Minor: 2));
        return $"-cl-std=CL{best.Major}.{best.Minor}";
    }

    /// <summary>"OpenCL C 1.2 PoCL" → the "C 1.2" part parsed as a version.</summary>
    private static string CVersion(nint device)
    {
        var text = OpenClInfo.DeviceString(device, CL_DEVICE_OPENCL_C_VERSION); // "OpenCL C 1.2 ..."
        return text.StartsWith("OpenCL C ", StringComparison.Ordinal) ? "OpenCL " + text["OpenCL C ".Length..] : text;
    }

    /// <summary>The versions in CL_DEVICE_OPENCL_C_ALL_VERSIONS (empty on devices before OpenCL 3.0, which reject the query).</summary>
    private static IEnumerable<(int, int)> AllVersions(nint device)
    {
        const int entrySize = 4 + 64; // cl_name_version: cl_version (major << 22 | minor << 12 | patch), char name[64]
        nuint size;
        if (clGetDeviceInfo(device, CL_DEVICE_OPENCL_C_ALL_VERSIONS, 0, null, &size) != OpenClErrors.CL_SUCCESS || size < entrySize)
            return [];
        var bytes = new byte[(int)size];
        fixed (byte* p = bytes)
            if (clGetDeviceInfo(device, CL_DEVICE_OPENCL_C_ALL_VERSIONS, size, p, null) != OpenClErrors.CL_SUCCESS)
                return [];
        var versions = new List<(int, int)>();
        for (int offset = 0; offset + entrySize <= bytes.Length; offset += entrySize)
        {
            uint v = BitConverter.ToUInt32(bytes, offset);
            versions.Add(((int)(v >> 22), (int)((v >> 12) & 0x3FF)));
        }
        return versions;
    }
}
