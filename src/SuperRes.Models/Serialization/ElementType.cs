using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace SuperRes.Models.Serialization;

/// <summary>The element types we can decode to float32, with their on-disk (little-endian) size.</summary>
internal enum ElementType { F32, F16, BF16, F64, I64, I32, I16, I8, U8, Bool }

internal static class ElementTypes
{
    public static int Size(ElementType t) => t switch
    {
        ElementType.F64 or ElementType.I64 => 8,
        ElementType.F32 or ElementType.I32 => 4,
        ElementType.F16 or ElementType.BF16 or ElementType.I16 => 2,
        _ => 1,
    };

    /// <summary>safetensors dtype string → element type; null when unknown to us.</summary>
    public static ElementType? FromSafetensors(string dtype) => dtype switch
    {
        "F32" => ElementType.F32, "F16" => ElementType.F16, "BF16" => ElementType.BF16, "F64" => ElementType.F64,
        "I64" => ElementType.I64, "I32" => ElementType.I32, "I16" => ElementType.I16, "I8" => ElementType.I8,
        "U8" => ElementType.U8, "BOOL" => ElementType.Bool,
        _ => null,
    };

    /// <summary>torch storage class name (FloatStorage, ...) → element type; null when unknown.</summary>
    public static ElementType? FromTorchStorage(string name) => name switch
    {
        "FloatStorage" => ElementType.F32, "HalfStorage" => ElementType.F16, "BFloat16Storage" => ElementType.BF16,
        "DoubleStorage" => ElementType.F64, "LongStorage" => ElementType.I64, "IntStorage" => ElementType.I32,
        "ShortStorage" => ElementType.I16, "CharStorage" => ElementType.I8, "ByteStorage" => ElementType.U8,
        "BoolStorage" => ElementType.Bool,
        _ => null,
    };

    /// <summary>Converts little-endian raw elements to float32 (float64 rounds to nearest, like torch's .float()).</summary>
    public static void Decode(ElementType t, ReadOnlySpan<byte> src, Span<float> dst)
    {
        int n = dst.Length;
        if (src.Length != (long)n * Size(t)) throw new ArgumentException("length mismatch");
        switch (t)
        {
            case ElementType.F32:
                if (BitConverter.IsLittleEndian) { MemoryMarshal.Cast<byte, float>(src).CopyTo(dst); break; }
                for (int i = 0; i < n; i++) dst[i] = BinaryPrimitives.ReadSingleLittleEndian(src[(4 * i)..]);
                break;
            case ElementType.F16:
                for (int i = 0; i < n; i++) dst[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(src[(2 * i)..]);
                break;
            case ElementType.BF16:
                // bfloat16 is the top half of a float32.
                for (int i = 0; i < n; i++) dst[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(src[(2 * i)..]) << 16);
                break;
            case ElementType.F64:
                for (int i = 0; i < n; i++) dst[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(src[(8 * i)..]);
                break;
            case ElementType.I64:
                for (int i = 0; i < n; i++) dst[i] = BinaryPrimitives.ReadInt64LittleEndian(src[(8 * i)..]);
                break;
            case ElementType.I32:
                for (int i = 0; i < n; i++) dst[i] = BinaryPrimitives.ReadInt32LittleEndian(src[(4 * i)..]);
                break;
            case ElementType.I16:
                for (int i = 0; i < n; i++) dst[i] = BinaryPrimitives.ReadInt16LittleEndian(src[(2 * i)..]);
                break;
            case ElementType.I8:
                for (int i = 0; i < n; i++) dst[i] = (sbyte)src[i];
                break;
            case ElementType.U8:
                for (int i = 0; i < n; i++) dst[i] = src[i];
                break;
            case ElementType.Bool:
                for (int i = 0; i < n; i++) dst[i] = src[i] != 0 ? 1f : 0f;
                break;
        }
    }

    /// <summary>
    /// Reads <c>dst.Length</c> elements from <paramref name="s"/> into float32: float32 straight into the array,
    /// other types through a 64 Ki-element buffer, so a large float64 storage never sits in memory as raw bytes.
    /// </summary>
    /// <returns>The number of bytes read; fewer than the elements need when the stream ended early.</returns>
    public static long ReadDecoded(Stream s, ElementType t, Span<float> dst)
    {
        if (t == ElementType.F32 && BitConverter.IsLittleEndian)
        {
            var bytes = MemoryMarshal.AsBytes(dst);
            return s.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        }
        const int Chunk = 1 << 16;
        int size = Size(t);
        var raw = new byte[Math.Min(dst.Length, Chunk) * size];
        long total = 0;
        for (int done = 0; done < dst.Length;)
        {
            int n = Math.Min(dst.Length - done, Chunk);
            int got = s.ReadAtLeast(raw.AsSpan(0, n * size), n * size, throwOnEndOfStream: false);
            total += got;
            if (got < n * size) return total;
            Decode(t, raw.AsSpan(0, n * size), dst.Slice(done, n));
            done += n;
        }
        return total;
    }
}
