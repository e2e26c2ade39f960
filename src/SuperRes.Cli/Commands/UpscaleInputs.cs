using System.IO.Enumeration;
using SuperRes.Imaging;

namespace SuperRes.Cli.Commands;

/// <summary>
/// The images an <c>upscale</c> run reads: files, folders (their images, not recursive) and globs (<c>*</c>, <c>?</c>,
/// and <c>**</c> for any depth of folders), expanded here because shells on Windows leave them alone. Each file once,
/// in the order given (a folder's and a glob's files in name order).
/// </summary>
internal sealed class UpscaleInputs
{
    public required IReadOnlyList<string> Files { get; init; }

    /// <summary>The folders the files are in: a folder run must not write there with their own names.</summary>
    public required IReadOnlyList<string> Folders { get; init; }

    /// <summary>True when the run is more than one named file: a folder, a glob or a list (then the output is a folder).</summary>
    public required bool IsBatch { get; init; }

    public static UpscaleInputs Expand(IReadOnlyList<string> inputs)
    {
        var files = new List<string>();
        var seen = new HashSet<string>(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        bool batch = inputs.Count > 1;
        foreach (var input in inputs)
        {
            IEnumerable<string> found;
            if (IsGlob(input))
            {
                batch = true;
                found = Glob(input).Where(ImageFolder.IsImage).ToArray();
                if (!found.Any())
                    throw new SuperResException($"no images (.png, .bmp, .jpg) match {input}");
            }
            else if (Directory.Exists(input))
            {
                batch = true;
                found = ImageFolder.Files(input);
            }
            else if (File.Exists(input))
                found = [input];
            else
                throw new SuperResException($"no such file or folder: {input}");
            foreach (var file in found)
                if (seen.Add(Path.GetFullPath(file)))
                    files.Add(file);
        }
        if (files.Count == 0)
            throw new SuperResException($"no images (.png, .bmp, .jpg) in {string.Join(", ", inputs)}");
        var folders = files.Select(f => Path.GetDirectoryName(Path.GetFullPath(f))!).Distinct(seen.Comparer).ToArray();
        return new UpscaleInputs { Files = files, Folders = folders, IsBatch = batch };
    }

    private static bool IsGlob(string path) => path.IndexOfAny(['*', '?']) >= 0;

    /// <summary>The files matching a glob, in name order: the literal folders up to the first wildcard, then a walk.</summary>
    private static IEnumerable<string> Glob(string pattern)
    {
        var parts = pattern.Split(['/', '\\'], StringSplitOptions.None);
        if (parts[^1] == "**") // "photos/**": every file below photos
            parts = [.. parts, "*"];
        int first = Array.FindIndex(parts, IsGlob);
        string root = first == 0 ? "." : string.Join(Path.DirectorySeparatorChar, parts[..first]);
        if (root.Length == 0) // a pattern such as /*.png
            root = Path.DirectorySeparatorChar.ToString();
        if (!Directory.Exists(root))
            return [];
        var matches = new List<string>();
        Walk(first == 0 ? "" : root, root, parts.AsSpan(first).ToArray(), matches);
        return matches.Distinct().Order(StringComparer.Ordinal);
    }

    private static void Walk(string prefix, string folder, string[] rest, List<string> matches)
    {
        string part = rest[0];
        string Join(string name) => prefix.Length == 0 ? name : Path.Combine(prefix, name);
        if (part == "**")
        {
            if (rest.Length > 1)
                Walk(prefix, folder, rest[1..], matches); // zero folders
            foreach (var sub in Directory.EnumerateDirectories(folder))
                Walk(Join(Path.GetFileName(sub)), sub, rest, matches);
            return;
        }
        bool last = rest.Length == 1;
        var entries = last ? Directory.EnumerateFiles(folder) : Directory.EnumerateDirectories(folder);
        foreach (var entry in entries)
        {
            string name = Path.GetFileName(entry);
            if (!FileSystemName.MatchesSimpleExpression(part, name, ignoreCase: OperatingSystem.IsWindows()))
                continue;
            if (last)
                matches.Add(Join(name));
            else
                Walk(Join(name), entry, rest[1..], matches);
        }
    }
}
