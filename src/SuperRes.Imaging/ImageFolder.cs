namespace SuperRes.Imaging;

/// <summary>The image files of a folder, as upscale, downscale, eval and the training data list them.</summary>
public static class ImageFolder
{
    private static readonly string[] Extensions = [".png", ".bmp", ".jpg", ".jpeg"];

    /// <summary>Whether the path names a PNG, BMP or JPEG file by its extension (any case).</summary>
    public static bool IsImage(string path) => Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>
    /// The folder's PNG, BMP and JPEG files (by extension, any case; not recursive), in ordinal name order so
    /// that every run sees the same sequence. A missing folder is a <see cref="SuperResException"/> naming it.
    /// </summary>
    public static IReadOnlyList<string> Files(string directory)
    {
        if (!Directory.Exists(directory))
            throw new SuperResException($"no folder {directory}");
        return Directory.EnumerateFiles(directory)
            .Where(IsImage)
            .Order(StringComparer.Ordinal)
            .ToArray();
    }
}
