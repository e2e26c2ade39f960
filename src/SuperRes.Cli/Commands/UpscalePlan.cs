using System.Globalization;
using System.Text.RegularExpressions;
using SuperRes.Imaging;

namespace SuperRes.Cli.Commands;

/// <summary>One image of an <c>upscale</c> run: where it is read, where it is written and in which format.</summary>
internal sealed record UpscaleJob(string Input, string Output, ImageFormat Format);

/// <summary>
/// Names the outputs of an <c>upscale</c> run and refuses, before any image is read, every plan that would lose data:
/// an output that is one of the inputs (same path, a hard link or a symlink to it), a folder run into an input folder
/// with the inputs' own names, and two inputs written to one output.
/// </summary>
internal static partial class UpscalePlan
{
    /// <summary>The outputs' names by default: the input's name with the output format's extension.</summary>
    public const string DefaultNamePattern = "{name}.{ext}";

    public const string NamePatternHelp = "{name} (input name without extension), {ext} (output format), {scale}, {model}";

    /// <summary>Null when <paramref name="pattern"/> is a usable file name pattern, else what is wrong with it.</summary>
    public static string? PatternProblem(string pattern)
    {
        if (pattern.Length == 0 || pattern.IndexOfAny(['/', '\\']) >= 0)
            return $"--name '{pattern}' must be a file name pattern (no folders) using {NamePatternHelp}";
        foreach (Match m in Placeholder().Matches(pattern))
            if (m.Groups[1].Value is not ("name" or "ext" or "scale" or "model"))
                return $"--name '{pattern}': unknown placeholder {m.Value}; use {NamePatternHelp}";
        if (Placeholder().Replace(pattern, "").IndexOfAny(['{', '}']) >= 0)
            return $"--name '{pattern}': unbalanced braces";
        return null;
    }

    public static List<UpscaleJob> Plan(UpscaleInputs inputs, string output, string? format, string? namePattern, int scale, string model)
    {
        bool toFolder = inputs.IsBatch || namePattern is not null || Directory.Exists(output)
            || output.EndsWith(Path.DirectorySeparatorChar) || output.EndsWith(Path.AltDirectorySeparatorChar);
        string pattern = namePattern ?? DefaultNamePattern;
        if (toFolder && pattern == DefaultNamePattern && inputs.Folders.FirstOrDefault(f => FileIdentity.Same(f, output)) is { } folder)
            throw new SuperResException(
                $"-o {output} is the input folder {folder}: the outputs would replace or mix with the inputs; choose another folder " +
                "or name the outputs differently, e.g. --name '{name}_x{scale}.{ext}'");

        var fmt = format is not null ? ParseFormat(format, "--format " + format)
            : !toFolder && Path.HasExtension(output) ? ParseFormat(Path.GetExtension(output), output)
            : toFolder && !pattern.EndsWith(".{ext}", StringComparison.Ordinal) && Path.HasExtension(pattern) ? ParseFormat(Path.GetExtension(pattern), "--name " + pattern)
            : ImageFormat.Png;
        var inputsById = new Dictionary<FileIdentity, string>();
        foreach (var file in inputs.Files)
            if (FileIdentity.Of(file) is { } id)
                inputsById.TryAdd(id, file);

        var jobs = new List<UpscaleJob>();
        var targets = new Dictionary<string, string>(OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase);
        foreach (var file in inputs.Files)
        {
            string target = toFolder ? Path.Combine(output, Name(pattern, file, fmt, scale, model)) : output;
            if (FileIdentity.Of(target) is { } existing && inputsById.TryGetValue(existing, out var input))
                throw new SuperResException(input == file && !toFolder
                    ? $"-o {target} is the input {input} (the same file): choose another output"
                    : $"{target} would overwrite the input {input}: choose another output folder or --name");
            // a.png and a.jpg in one folder would both become a.png: refuse rather than overwrite one with the other.
            if (targets.TryGetValue(Path.GetFullPath(target), out var other))
                throw new SuperResException($"{other} and {file} would both be written to {target}; use {{name}} in --name or upscale them separately");
            targets[Path.GetFullPath(target)] = file;
            jobs.Add(new UpscaleJob(file, target, fmt));
        }
        if (toFolder)
            Directory.CreateDirectory(output);
        else if (Path.GetDirectoryName(Path.GetFullPath(output)) is { } parent)
            Directory.CreateDirectory(parent);
        return jobs;
    }

    private static string Name(string pattern, string input, ImageFormat format, int scale, string model) =>
        Placeholder().Replace(pattern, m => m.Groups[1].Value switch
        {
            "name" => Path.GetFileNameWithoutExtension(input),
            "ext" => Extension(format),
            "scale" => scale.ToString(CultureInfo.InvariantCulture),
            _ => model,
        });

    private static ImageFormat ParseFormat(string nameOrExtension, string what)
    {
        try
        {
            return ImageCodec.FormatFromName(nameOrExtension);
        }
        catch (ArgumentException)
        {
            throw new SuperResException($"{what}: cannot write '{nameOrExtension}' images; use .png, .jpg or .bmp (or --format png|jpg|bmp)");
        }
    }

    private static string Extension(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => "jpg",
        ImageFormat.Bmp => "bmp",
        _ => "png",
    };

    [GeneratedRegex(@"\{([^{}]*)\}")]
    private static partial Regex Placeholder();
}
