using System.Text;
using System.Text.RegularExpressions;

namespace SuperRes.Runtime;

/// <summary>
/// Inlines <c>#include "name"</c> lines, so that both compilers (NVRTC and OpenCL, which has no include path
/// into an assembly) see one self-contained source. A name is looked up beside the including file, then in
/// <c>include/</c>. Each header is inlined once, at its first include (later ones become blank lines);
/// <c>#line</c> directives around every inlined header keep compiler messages on the right file and line.
/// Includes are resolved textually: an <c>#include</c> inside <c>#if</c> is inlined whatever the condition.
/// </summary>
internal static partial class KernelIncludes
{
    public const string IncludeFolder = "include/";

    /// <summary>The file with its headers inlined, starting with a <c>#line 1</c> for the file itself.</summary>
    public static string Expand(KernelSourceSet sources, string file)
    {
        var root = sources.Find(file) ?? throw new KernelBuildException(
            $"no kernel source named {file} (known: {string.Join(", ", sources.All.Select(s => s.Name))})");
        var text = new StringBuilder();
        Append(sources, root, text, stack: [], inlined: []);
        return text.ToString();
    }

    private static void Append(KernelSourceSet sources, KernelSource source, StringBuilder text, List<KernelSource> stack, HashSet<string> inlined)
    {
        stack.Add(source);
        inlined.Add(source.Name);
        text.Append($"#line 1 \"{source.Path}\"\n");
        var lines = source.Text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            int lineNumber = i + 1;
            var match = IncludeLine().Match(lines[i]);
            if (!match.Success)
            {
                text.Append(lines[i]).Append('\n');
                continue;
            }
            string where = $"{source.Path}:{lineNumber}";
            if (!match.Groups["name"].Success)
                throw new KernelBuildException($"{where}: write includes as #include \"name.h\" (got: {lines[i].Trim()})");
            string name = match.Groups["name"].Value;
            var header = Resolve(sources, source, name, where);
            if (stack.Contains(header))
                throw new KernelBuildException(
                    $"{where}: #include \"{name}\" makes a cycle: {string.Join(" → ", stack.Select(s => s.Path))} → {header.Path}");
            if (inlined.Contains(header.Name))
            {
                text.Append('\n'); // already inlined once: a blank line keeps the numbering
                continue;
            }
            Append(sources, header, text, stack, inlined);
            text.Append($"#line {lineNumber + 1} \"{source.Path}\"\n");
        }
        stack.RemoveAt(stack.Count - 1);
    }

    private static KernelSource Resolve(KernelSourceSet sources, KernelSource from, string name, string where)
    {
        int slash = from.Name.LastIndexOf('/');
        var candidates = new[] { Normalize(from.Name[..(slash + 1)] + name), Normalize(IncludeFolder + name) }
            .OfType<string>().Distinct().ToList();
        foreach (var candidate in candidates)
            if (sources.Find(candidate) is { } found)
                return found;
        throw new KernelBuildException(
            $"{where}: #include \"{name}\" not found (looked for {string.Join(" and ", candidates)} among the registered kernel sources)");
    }

    /// <summary>Resolves <c>.</c> and <c>..</c> segments; null for a name that climbs above the root.</summary>
    private static string? Normalize(string name)
    {
        var parts = new List<string>();
        foreach (var part in name.Split('/'))
        {
            if (part is "" or ".")
                continue;
            if (part != "..")
                parts.Add(part);
            else if (parts.Count > 0)
                parts.RemoveAt(parts.Count - 1);
            else
                return null;
        }
        return string.Join('/', parts);
    }

    // `#include "name"` with an optional trailing // comment; any other #include form fails the "name" group.
    [GeneratedRegex("""^\s*#\s*include\b(?:\s*"(?<name>[^"]+)"\s*(?://.*)?\r?$)?""")]
    private static partial Regex IncludeLine();
}
