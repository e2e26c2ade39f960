using System.Reflection;
using System.Text;

namespace SuperRes.Runtime;

/// <summary>
/// The device code in <c>kernels/</c>, embedded in this assembly. Each <c>*.cl</c> file is written once in
/// the common dialect (kernels/README.md) and compiled for a backend by putting that backend's prelude
/// in front of it. Lines <c>// @config A=1 B=2</c> in a file name the define sets it is compile-checked with.
/// </summary>
public static class KernelLibrary
{
    private const string ResourcePrefix = "kernels/";
    private static readonly Assembly Assembly = typeof(KernelLibrary).Assembly;

    /// <summary>The kernel source files (e.g. <c>elementwise.cl</c>), without preludes.</summary>
    public static IReadOnlyList<string> Files { get; } =
        Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".cl", StringComparison.Ordinal))
            .Select(n => n[ResourcePrefix.Length..])
            .Order(StringComparer.Ordinal)
            .ToArray();

    public static string ReadFile(string file)
    {
        using var stream = Assembly.GetManifestResourceStream(ResourcePrefix + file)
            ?? throw new KernelBuildException($"kernel file kernels/{file} is not embedded in {Assembly.GetName().Name} (known: {string.Join(", ", Files)})");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    public static string Prelude(BackendKind backend) => backend switch
    {
        BackendKind.Cuda => ReadFile("prelude_cuda.h"),
        BackendKind.OpenCL => ReadFile("prelude_opencl.h"),
        _ => throw new ArgumentException($"the {backend} backend does not compile kernels"),
    };

    /// <summary>Prelude + kernel file, with a <c>#line</c> so that compiler messages name the kernel file and its own lines.</summary>
    public static string Compose(BackendKind backend, string file) =>
        Prelude(backend) + $"\n#line 1 \"kernels/{file}\"\n" + ReadFile(file);

    /// <summary>The define sets a file declares with <c>// @config</c> lines (one empty set when it declares none).</summary>
    public static IReadOnlyList<KernelDefines> Configs(string file)
    {
        var configs = ReadFile(file).Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.StartsWith("// @config", StringComparison.Ordinal))
            .Select(l => KernelDefines.Parse(l["// @config".Length..]))
            .ToList();
        return configs.Count == 0 ? [KernelDefines.None] : configs;
    }

    /// <summary>Kernel entry points declared in a file (<c>KERNEL void name(</c>).</summary>
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
            if (paren > 0)
                names.Add(rest[..paren].Trim());
        }
        return names;
    }
}
