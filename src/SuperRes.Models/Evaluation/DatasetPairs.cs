using System.Globalization;
using SuperRes.Imaging;

namespace SuperRes.Models.Evaluation;

/// <summary>One HR image and, when a LR folder is given, its LR counterpart.</summary>
public sealed record ImagePair(string Name, string HrPath, string? LrPath);

/// <summary>
/// Pairs HR images with LR images in the layouts users bring: ours (same file name in HR/ and LR/),
/// DIV2K (<c>X2/0801x2.png</c> beside or inside the LR folder) and EDSR-PyTorch's benchmark layout
/// (<c>LR_bicubic/X2/babyx2.png</c>).
/// </summary>
public static class DatasetPairs
{
    /// <summary>Every image of <paramref name="hrDirectory"/> with its LR file (or null when <paramref name="lrDirectory"/> is null).</summary>
    public static IReadOnlyList<ImagePair> Find(string hrDirectory, string? lrDirectory, int scale)
    {
        var hr = ImageFolder.Files(hrDirectory);
        if (hr.Count == 0)
            throw new SuperResException($"no images (.png, .bmp, .jpg) in {hrDirectory}");
        if (lrDirectory is null)
            return hr.Select(h => new ImagePair(Path.GetFileNameWithoutExtension(h), h, null)).ToArray();
        var lrFolder = ScaleFolder(lrDirectory, scale);
        var lrByStem = ImageFolder.Files(lrFolder).ToDictionary(p => Path.GetFileNameWithoutExtension(p), StringComparer.Ordinal);
        var pairs = new List<ImagePair>();
        var missing = new List<string>();
        string suffix = "x" + scale.ToString(CultureInfo.InvariantCulture);
        foreach (var h in hr)
        {
            string stem = Path.GetFileNameWithoutExtension(h);
            if (lrByStem.TryGetValue(stem, out var lr) || lrByStem.TryGetValue(stem + suffix, out lr))
                pairs.Add(new ImagePair(stem, h, lr));
            else
                missing.Add(Path.GetFileName(h));
        }
        if (missing.Count > 0)
            throw new SuperResException($"no LR image in {lrFolder} for {string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? $" and {missing.Count - 5} more" : "")} (looked for NAME.ext and NAME{suffix}.ext)");
        return pairs;
    }

    /// <summary>DIV2K and EDSR-PyTorch keep each scale in a subfolder <c>X2</c>; use it when present.</summary>
    private static string ScaleFolder(string lrDirectory, int scale)
    {
        foreach (var name in new[] { $"X{scale}", $"x{scale}" })
        {
            var sub = Path.Combine(lrDirectory, name);
            if (Directory.Exists(sub))
                return sub;
        }
        return lrDirectory;
    }
}
