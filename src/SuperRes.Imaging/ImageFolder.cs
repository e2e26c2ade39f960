namespace SuperRes.Imaging;

/// <summary>The image files of a folder, as upscale, downscale, eval and the training data list them.</summary>
public static class ImageFolder
{
    private static readonly string[] Extensions = [".png", ".bmp", ".jpg", ".jpeg"];

    /// <summary>
    /// The folder's PNG, BMP and JPEG files (by extension, any case; not recursive), in ordinal name order so
    /// that every run sees the same sequence. A missing folder is a <see cref="SuperResException"/> naming it.
    /// </summary>
    public static IReadOnlyList<string> Files(string directory)
    {
        if (!Directory.Exists(directory))
            throw new SuperResException($"no folder {directory}");
        return Directory.EnumerateFiles(directory)
            .Where(path => Extensions.Contains(Path.GetExtension(path).ToLowerInvariant()))
            .Order(StringComparer.Ordinal)
            .ToArray();
    }
}
