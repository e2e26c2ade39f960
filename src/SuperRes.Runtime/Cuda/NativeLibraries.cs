using System.Reflection;
using System.Runtime.InteropServices;

namespace SuperRes.Runtime;

/// <summary>
/// The one <see cref="NativeLibrary.SetDllImportResolver"/> of this assembly (the runtime allows only one per
/// assembly, so every backend registers its logical library names here instead of installing its own).
/// A logical name maps to candidate file names tried in order; the first that loads is kept for the process.
/// Names not registered fall through to the runtime's default probing.
/// </summary>
internal static class NativeLibraries
{
    private static readonly object Lock = new();
    private static readonly Dictionary<string, string[]> Candidates = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, nint> Loaded = new(StringComparer.Ordinal);
    private static bool _resolverInstalled;

    /// <summary>NVRTC's logical import name; the newest major version found wins.</summary>
    public const string Nvrtc = "nvrtc";

    /// <summary>The CUDA driver: only the versioned soname, as the NVIDIA driver installs it (libcuda.so is a dev symlink).</summary>
    public const string CudaDriver = "libcuda.so.1";

    static NativeLibraries()
    {
        Candidates[Nvrtc] = NvrtcCandidates();
        Candidates[CudaDriver] = [CudaDriver];
    }

    /// <summary>The NVRTC sonames looked for, in order (also quoted in the "not installed" message).</summary>
    public static IReadOnlyList<string> NvrtcSonames { get; } = ["libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so"];

    /// <summary>Adds or replaces the candidates of a logical name (for other backends of this assembly).</summary>
    public static void Register(string name, params string[] candidates)
    {
        lock (Lock)
        {
            Candidates[name] = candidates;
            Loaded.Remove(name);
        }
    }

    /// <summary>Installs the resolver once; later calls do nothing.</summary>
    public static void EnsureResolver()
    {
        lock (Lock)
        {
            if (_resolverInstalled)
                return;
            try
            {
                NativeLibrary.SetDllImportResolver(typeof(NativeLibraries).Assembly, Resolve);
            }
            catch (InvalidOperationException)
            {
                // Someone installed another resolver for this assembly: registered names then rely on the
                // default probing. Keeping all names in this class is what prevents that.
            }
            _resolverInstalled = true;
        }
    }

    /// <summary>Loads the first candidate of <paramref name="name"/> that loads; <paramref name="tried"/> lists what was attempted.</summary>
    public static bool TryLoad(string name, out nint handle, out IReadOnlyList<string> tried)
    {
        EnsureResolver();
        lock (Lock)
        {
            var attempts = new List<string>();
            tried = attempts;
            if (Loaded.TryGetValue(name, out handle))
                return true;
            foreach (var candidate in Candidates.TryGetValue(name, out var list) ? list : [name])
            {
                attempts.Add(candidate);
                if (NativeLibrary.TryLoad(candidate, out handle))
                {
                    Loaded[name] = handle;
                    return true;
                }
            }
            handle = 0;
            return false;
        }
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        bool registered;
        lock (Lock)
            registered = Candidates.ContainsKey(name);
        return registered && TryLoad(name, out var handle, out _) ? handle : 0;
    }

    // Bare sonames first (ldconfig paths, LD_LIBRARY_PATH), then the CUDA toolkit's usual folders, which a
    // toolkit install does not always add to the loader path.
    private static string[] NvrtcCandidates()
    {
        var folders = new List<string>();
        foreach (var variable in new[] { "CUDA_PATH", "CUDA_HOME" })
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } root)
                folders.Add(Path.Combine(root, "lib64"));
        folders.Add("/usr/local/cuda/lib64");
        var names = new List<string>();
        foreach (var soname in NvrtcSonames)
        {
            names.Add(soname);
            names.AddRange(folders.Select(f => Path.Combine(f, soname)));
        }
        return names.ToArray();
    }
}
