using SuperRes.Imaging.Codecs;

namespace SuperRes.Imaging.Tests;

/// <summary>The slicing-by-8 CRC-32 against the standard check value, zlib's, and the bit-at-a-time definition.</summary>
public sealed class Crc32Tests
{
    [Fact]
    public void Matches_the_standard_check_values()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        Assert.Equal(0u, Crc32.Compute([]));
        // The CRC a PNG IEND chunk carries (over its type, no data).
        Assert.Equal(0xAE426082u, Crc32.Compute("IEND"u8));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 2)]
    [InlineData(8, 3)]
    [InlineData(9, 4)]
    [InlineData(1000, 5)]
    [InlineData(65_537, 6)]
    public void Matches_the_bitwise_definition_at_any_length_and_split(int length, int seed)
    {
        var rng = new Random(seed);
        var data = new byte[length];
        rng.NextBytes(data);
        uint expected = Bitwise(data);
        Assert.Equal(expected, Crc32.Compute(data));
        int split = rng.Next(length + 1);
        Assert.Equal(expected, Crc32.Compute(data.AsSpan(split), Crc32.Compute(data.AsSpan(0, split))));
    }

    private static uint Bitwise(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFFu;
        foreach (byte b in data)
        {
            c ^= b;
            for (int k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }
        return ~c;
    }
}
