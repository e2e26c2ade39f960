namespace SuperRes.Cli;

/// <summary>
/// The weights that ship with the tool (weights/*.safetensors, copied next to the executable at build time).
/// The default network per scale is listed in weights/defaults.txt as lines <c>SCALE FILE</c>.
/// </summary>
internal static class ShippedWeights
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "weights");

    /// <summary>The default weights file for a scale, or null when none ships.</summary>
    public static string? DefaultFor(int scale)
    {
        var list = Path.Combine(Directory, "defaults.txt");
        if (!File.Exists(list))
            return null;
        foreach (var line in File.ReadLines(list))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[0] == scale.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                var path = Path.Combine(Directory, parts[1]);
                return File.Exists(path) ? path : null;
            }
        }
        return null;
    }

    /// <summary>Scales that have a shipped default.</summary>
    public static IReadOnlyList<int> Scales() =>
        new[] { 2, 3, 4 }.Where(s => DefaultFor(s) is not null).ToArray();
}
