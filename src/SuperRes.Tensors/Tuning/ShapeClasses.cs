namespace SuperRes.Tensors.Tuning;

/// <summary>The pieces of a shape class (the key of a tuning database entry) that ops share.</summary>
public static class ShapeClasses
{
    /// <summary>The size range a channel count falls in: 1–4, 5–16, 17–64, 65+.</summary>
    public static string Channels(int channels) => channels switch
    {
        <= 4 => "1-4",
        <= 16 => "5-16",
        <= 64 => "17-64",
        _ => "65+",
    };

    /// <summary>The size range a count of values falls in: ≤4K, 4K–64K, 64K–1M, 1M+ (K = 1024).</summary>
    public static string Size(long values) => values switch
    {
        <= 4 << 10 => "≤4K",
        <= 64 << 10 => "4K-64K",
        <= 1 << 20 => "64K-1M",
        _ => "1M+",
    };

    /// <summary><c>3x3/1 17-64→17-64</c>: kernel size, stride, and the range of the input and output channel counts.</summary>
    public static string Convolution(int k, int stride, int cin, int cout) => $"{k}x{k}/{stride} {Channels(cin)}→{Channels(cout)}";
}
