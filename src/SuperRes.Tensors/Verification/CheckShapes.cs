namespace SuperRes.Tensors.Verification;

/// <summary>Random NCHW shapes with the awkward cases every op must survive: 1×1 images, odd sizes, odd channels, batch &gt; 1.</summary>
public static class CheckShapes
{
    public static int[] Nchw(Random rng, int maxChannels = 19, int maxSide = 23)
    {
        int n = rng.Next(1, 4);
        int c = rng.Next(1, maxChannels + 1);
        return rng.Next(6) switch
        {
            0 => [n, c, 1, 1],
            1 => [n, c, 7, 13],
            _ => [n, c, rng.Next(1, maxSide + 1), rng.Next(1, maxSide + 1)],
        };
    }

    public static long Count(int[] shape) => shape.Aggregate(1L, (a, d) => a * d);

    public static string Format(int[] shape) => string.Join("×", shape);
}

/// <summary>Lengths that exercise partial work-groups: 1, small primes, around the group size, and large.</summary>
public static class CheckSizes
{
    private static readonly long[] Lengths = [1, 7, 255, 257, 1000, 4099, 65_537];

    public static long Length(Random rng) => rng.Next(4) == 0 ? rng.Next(1, 200_000) : Lengths[rng.Next(Lengths.Length)];
}
