using System.Globalization;

namespace SuperRes.Runtime;

/// <summary>
/// Everything that would change what a device probe finds, read without loading any driver: the engine build, the
/// environment variables the loaders and drivers read, the OpenCL ICD registry (each <c>.icd</c> file's name, size,
/// time and the library it names, with that library's size and time), the CUDA driver and NVRTC libraries, the
/// dynamic loader's cache and the GPU device nodes. A few dozen file look-ups: milliseconds, against the
/// 0.1–0.2 s that starting the OpenCL drivers costs. The key is kept as readable lines, not hashed: hashing would
/// load OpenSSL (about 0.05 s), and the lines show what a probe was keyed on.
/// </summary>
public static class DeviceProbeKey
{
    private static readonly string[] Variables =
    [
        "OCL_ICD_VENDORS", "OCL_ICD_FILENAMES", "OPENCL_VENDOR_PATH", "LD_LIBRARY_PATH", "CUDA_VISIBLE_DEVICES",
        "CUDA_PATH", "CUDA_HOME", "NVIDIA_VISIBLE_DEVICES", "POCL_DEVICES", "ROCR_VISIBLE_DEVICES",
        "HIP_VISIBLE_DEVICES", "GPU_DEVICE_ORDINAL", "ZE_AFFINITY_MASK",
    ];

    // Where a bare soname is usually found when LD_LIBRARY_PATH does not name it (Debian/Ubuntu, Fedora, WSL).
    private static readonly string[] LibraryFolders =
    [
        "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib/aarch64-linux-gnu",
        "/usr/lib64", "/lib64", "/usr/lib", "/lib", "/usr/local/lib", "/usr/lib/wsl/lib",
    ];

    private const string DefaultVendors = "/etc/OpenCL/vendors";

    /// <summary>The key, one item a line; <paramref name="environment"/> replaces the process environment (tests).</summary>
    public static string Compute(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var parts = new List<string> { "device-probe", EngineBuild };
        parts.AddRange(Variables.Select(v => $"{v}={environment(v)}"));
        var folders = (environment("LD_LIBRARY_PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(LibraryFolders).ToArray();

        string vendors = environment("OCL_ICD_VENDORS") is { Length: > 0 } custom ? custom : DefaultVendors;
        parts.Add(Stamp(vendors));
        foreach (var icd in IcdFiles(vendors))
        {
            parts.Add(Stamp(icd));
            string library = ReadLibraryName(icd);
            parts.Add($"names {library}");
            parts.AddRange(Locate(library, folders));
        }
        foreach (var library in (environment("OCL_ICD_FILENAMES") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            parts.AddRange(Locate(library, folders));

        parts.AddRange(Locate(NativeLibraries.CudaDriver, folders));
        foreach (var nvrtc in NativeLibraries.NvrtcSonames)
            parts.AddRange(Locate(nvrtc, [.. folders, .. CudaToolkitFolders(environment)]));
        parts.Add(Stamp("/etc/ld.so.cache"));
        parts.Add("devices " + string.Join(",", DeviceNodes()));
        return string.Join('\n', parts.Select(p => p.ReplaceLineEndings(" ")));
    }

    // The Runtime assembly holds the providers and the ranking: a new build may probe or rank differently.
    private static readonly string EngineBuild = typeof(DeviceProbeKey).Assembly.ManifestModule.ModuleVersionId.ToString("N");

    private static IEnumerable<string> CudaToolkitFolders(Func<string, string?> environment)
    {
        foreach (var variable in new[] { "CUDA_PATH", "CUDA_HOME" })
            if (environment(variable) is { Length: > 0 } root)
                yield return Path.Combine(root, "lib64");
        yield return "/usr/local/cuda/lib64";
    }

    private static string[] IcdFiles(string vendors)
    {
        try
        {
            if (File.Exists(vendors))
                return [vendors];
            return Directory.Exists(vendors) ? [.. Directory.GetFiles(vendors, "*.icd").Order(StringComparer.Ordinal)] : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static string ReadLibraryName(string icd)
    {
        try
        {
            return File.ReadAllText(icd).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "unreadable";
        }
    }

    /// <summary>The stamp of a library given by path, or of each copy of a bare name in <paramref name="folders"/>.</summary>
    private static IEnumerable<string> Locate(string library, IReadOnlyList<string> folders)
    {
        if (library.Length == 0)
            return [];
        if (Path.IsPathRooted(library))
            return [Stamp(library)];
        return folders.Select(f => Path.Combine(f, library)).Where(File.Exists).Select(Stamp).DefaultIfEmpty($"{library} not found");
    }

    /// <summary>Path, size and modification time of the file (or of the link's target), or that it is absent.</summary>
    private static string Stamp(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.Exists)
            {
                var target = info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? info;
                return string.Create(CultureInfo.InvariantCulture, $"{path} -> {target.FullName} {target.Length} {target.LastWriteTimeUtc.Ticks}");
            }
            return Directory.Exists(path)
                ? string.Create(CultureInfo.InvariantCulture, $"{path}/ {Directory.GetLastWriteTimeUtc(path).Ticks}")
                : $"{path} absent";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{path} unreadable";
        }
    }

    /// <summary>The GPU device nodes present (NVIDIA, AMD's KFD, DRM render nodes): they appear when a driver is loaded.</summary>
    private static IEnumerable<string> DeviceNodes()
    {
        try
        {
            var nodes = Directory.Exists("/dev") ? Directory.GetFiles("/dev", "nvidia*").Concat(Directory.GetFiles("/dev", "kfd")) : [];
            if (Directory.Exists("/dev/dri"))
                nodes = nodes.Concat(Directory.GetFiles("/dev/dri", "renderD*"));
            return nodes.Order(StringComparer.Ordinal).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ["unreadable"];
        }
    }
}
