using System.Reflection;
using System.Text;

namespace SuperRes.Runtime;

/// <summary>
/// The device code: the engine's <c>kernels/</c> (embedded in this assembly) plus kernel files other assemblies
/// add with <see cref="AddSources"/>. Each <c>*.cl</c> file is written once in the common dialect
/// (kernels/README.md), may <c>#include "name.h"</c> shared headers, and is compiled for a backend by putting
/// that backend's prelude in front of it. Lines <c>// @config A=1 B=2</c> in a file name the define sets it is
/// compile-checked with.
/// </summary>
public static class KernelLibrary
{
    private const string EnginePrefix = "kernels/";

    internal static KernelSourceSet Sources { get; } = CreateEngineSources();

    /// <summary>The kernel files (e.g. <c>elementwise.cl</c>), without headers and preludes, in name order.</summary>
    public static IReadOnlyList<string> Files =>
        Sources.All.Where(s => s.Name.EndsWith(".cl", StringComparison.Ordinal)).Select(s => s.Name).ToArray();

    /// <summary>
    /// Registers the kernel files and headers (<c>.cl</c>, <c>.h</c>) embedded in <paramref name="assembly"/> under
    /// <paramref name="resourcePrefix"/>: resource <c>prefix + name</c> becomes kernel file <c>name</c>, which
    /// devices build like the engine's own and which may include the engine's headers (<c>#include "reduce.h"</c>).
    /// Names share one namespace with the engine's files; registering the same resources again does nothing.
    /// </summary>
    public static void AddSources(Assembly assembly, string resourcePrefix)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var found = EmbeddedSources(assembly, resourcePrefix).ToList();
        if (found.Count == 0)
            throw new ArgumentException(
                $"{assembly.GetName().Name} embeds no .cl or .h resource whose name starts with '{resourcePrefix}' "
                + $"(its resources: {string.Join(", ", assembly.GetManifestResourceNames())})", nameof(resourcePrefix));
        Sources.Add(found);
    }

    /// <summary>The source of one kernel file or header as written (includes not expanded).</summary>
    public static string ReadFile(string file) => Find(file).Text;

    /// <summary>What compiler messages cite for a file, e.g. <c>kernels/conv2d.cl</c>; the name itself when it is not registered.</summary>
    public static string SourcePath(string file) => Sources.Find(file)?.Path ?? file;

    public static string Prelude(BackendKind backend) => backend switch
    {
        BackendKind.Cuda => ReadFile("prelude_cuda.h"),
        BackendKind.OpenCL => ReadFile("prelude_opencl.h"),
        _ => throw new ArgumentException($"the {backend} backend does not compile kernels"),
    };

    /// <summary>
    /// Prelude + the file with its headers inlined, with <c>#line</c> directives so that compiler messages name
    /// the file (or header) and its own lines. This whole text is what the disk cache key hashes.
    /// </summary>
    public static string Compose(BackendKind backend, string file) =>
        Prelude(backend) + "\n" + KernelIncludes.Expand(Sources, file);

    /// <summary>The define sets a file declares with <c>// @config</c> lines (one empty set when it declares none).</summary>
    public static IReadOnlyList<KernelDefines> Configs(string file) => DeclaredConfigs(file).Select(c => c.Defines).ToList();

    /// <summary>
    /// The <c>// @config</c> lines of a file with their device class: <c>// @config(cpu) K=3 ...</c> is a set shipped
    /// for one class of device (built and compile-checked like the others, but not what a GPU runs by default).
    /// </summary>
    public static IReadOnlyList<Tuning.KernelConfig> DeclaredConfigs(string file)
    {
        const string tag = "// @config";
        var configs = new List<Tuning.KernelConfig>();
        foreach (var line in ReadFile(file).Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith(tag, StringComparison.Ordinal)))
        {
            var rest = line[tag.Length..];
            Tuning.DeviceClass? deviceClass = null;
            if (rest.StartsWith('('))
            {
                int close = rest.IndexOf(')');
                if (close < 0)
                    throw new KernelBuildException($"{SourcePath(file)}: '{line}' opens a device class without closing it");
                deviceClass = Tuning.DeviceClasses.Parse(rest[1..close]);
                rest = rest[(close + 1)..];
            }
            configs.Add(new Tuning.KernelConfig(KernelDefines.Parse(rest), deviceClass));
        }
        return configs.Count == 0 ? [new Tuning.KernelConfig(KernelDefines.None, null)] : configs;
    }

    /// <summary>Kernel entry points declared in a file (<c>KERNEL void name(</c>), each once (alternatives under <c>#if</c> share a name).</summary>
    public static IReadOnlyList<string> EntryPoints(string file)
    {
        var names = new List<string>();
        foreach (var line in ReadFile(file).Split('\n'))
        {
            var t = line.Trim();
            if (!t.StartsWith("KERNEL void ", StringComparison.Ordinal))
                continue;
            var rest = t["KERNEL void ".Length..];
            int paren = rest.IndexOf('(');
            if (paren > 0 && !names.Contains(rest[..paren].Trim()))
                names.Add(rest[..paren].Trim());
        }
        return names;
    }

    private static KernelSource Find(string file) =>
        Sources.Find(file) ?? throw new KernelBuildException(
            $"no kernel file {file}: it is neither in the engine's kernels/ nor added by KernelLibrary.AddSources (known: {string.Join(", ", Files)})");

    private static KernelSourceSet CreateEngineSources()
    {
        var set = new KernelSourceSet();
        set.Add(EmbeddedSources(typeof(KernelLibrary).Assembly, EnginePrefix));
        return set;
    }

    private static IEnumerable<KernelSource> EmbeddedSources(Assembly assembly, string prefix)
    {
        string origin = assembly.GetName().Name ?? assembly.FullName ?? "an unnamed assembly";
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(prefix, StringComparison.Ordinal) || resource.Length == prefix.Length
                || !(resource.EndsWith(".cl", StringComparison.Ordinal) || resource.EndsWith(".h", StringComparison.Ordinal)))
                continue;
            yield return new KernelSource(resource[prefix.Length..], resource, origin, () => ReadResource(assembly, resource));
        }
    }

    private static string ReadResource(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new KernelBuildException($"resource {resource} vanished from {assembly.GetName().Name}");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
