using System.Globalization;

namespace SuperRes.Runtime;

/// <summary>Human-readable byte counts, and parsing of sizes such as <c>2G</c>, <c>512MiB</c>, <c>1e9</c>.</summary>
public static class Bytes
{
    public static string Format(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        int unit = 0;
        while (Math.Abs(value) >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes} B" : value.ToString("0.##", CultureInfo.InvariantCulture) + " " + units[unit];
    }

    public static long Parse(string text)
    {
        string t = text.Trim();
        (string suffix, long factor)[] suffixes =
        [
            ("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30), ("TiB", 1L << 40),
            ("KB", 1000L), ("MB", 1000_000L), ("GB", 1000_000_000L), ("TB", 1000_000_000_000L),
            ("K", 1L << 10), ("M", 1L << 20), ("G", 1L << 30), ("T", 1L << 40), ("B", 1L),
        ];
        foreach (var (suffix, factor) in suffixes)
        {
            if (t.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(t[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= 0)
                return (long)(v * factor);
        }
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double plain) && plain >= 0)
            return (long)plain;
        throw new SuperResException($"cannot read '{text}' as a size in bytes (examples: 2G, 512MiB, 1500000000)");
    }
}
