using System.Numerics;
using System.Runtime.InteropServices;

namespace SuperRes.Imaging;

/// <summary>
/// <see cref="Image.QuantizeSample"/> for whole spans, vectorised: round half away from zero, clip to [0, max], NaN → 0.
/// In float: for v ≥ 0.5 (and below 2²³), truncating the float sum v + 0.5 is exactly that rounding (the sum can only
/// round up across an integer when it crosses a power of two, and then the integer is the right answer); below 0.5
/// the answer is 0. Results are bit-identical to the scalar rule (tests compare them sample for sample).
/// </summary>
internal static class SampleRounding
{
    /// <summary>Integer levels as 16-bit values (what the PNG encoder packs).</summary>
    public static void Round(ReadOnlySpan<float> src, Span<ushort> dst, float max)
    {
        int x = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var ints = MemoryMarshal.Cast<ushort, short>(dst);
            int n = Vector<float>.Count;
            for (; x <= src.Length - 2 * n; x += 2 * n)
                // Levels are in [0, 65535]: narrowing the int bits to 16 keeps them exactly (as ushort bit patterns).
                Vector.Narrow(Level(new Vector<float>(src[x..]), max), Level(new Vector<float>(src[(x + n)..]), max)).CopyTo(ints[x..]);
        }
        for (; x < src.Length; x++)
            dst[x] = (ushort)Image.QuantizeSample(src[x], max);
    }

    /// <summary>Integer levels as floats (<see cref="Image.Quantized"/>).</summary>
    public static void Round(ReadOnlySpan<float> src, Span<float> dst, float max)
    {
        int x = 0;
        if (Vector.IsHardwareAccelerated)
            for (int n = Vector<float>.Count; x <= src.Length - n; x += n)
                Vector.ConvertToSingle(Level(new Vector<float>(src[x..]), max)).CopyTo(dst[x..]);
        for (; x < src.Length; x++)
            dst[x] = Image.QuantizeSample(src[x], max);
    }

    private static Vector<int> Level(Vector<float> v, float max)
    {
        var half = new Vector<float>(0.5f);
        var kept = Vector.ConditionalSelect(Vector.GreaterThanOrEqual(v, half), v, Vector<float>.Zero); // NaN and < 0.5 → 0
        return Vector.ConvertToInt32(Vector.Min(kept, new Vector<float>(max)) + half);
    }
}
