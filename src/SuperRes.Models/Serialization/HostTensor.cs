namespace SuperRes.Models.Serialization;

/// <summary>
/// A tensor on the host: row-major, contiguous float32. <c>Data.Length</c> equals the product of
/// <c>Shape</c> (the product of an empty shape is 1: a scalar). Whatever the stored dtype was
/// (float16, bfloat16, float64, and also integer or bool tensors such as BatchNorm's
/// <c>num_batches_tracked</c>), it arrives here converted to float32; integers above 2^24 lose
/// precision, which is harmless for the counters a state_dict carries.
/// </summary>
public sealed record HostTensor(int[] Shape, float[] Data)
{
    public int[] Shape { get; } = CheckShape(Shape);
    public float[] Data { get; } = CheckData(Shape, Data);

    /// <summary>Number of elements a shape holds (1 for the empty shape), or -1 on overflow past int.</summary>
    public static long ElementCount(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0) return -1;
            n *= d;
            if (n > int.MaxValue) return -1;
        }
        return n;
    }

    public override string ToString() => $"HostTensor[{string.Join(",", Shape)}]";

    private static int[] CheckShape(int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        foreach (int d in shape)
            if (d < 0) throw new ArgumentException($"negative dimension in shape [{string.Join(",", shape)}]", nameof(Shape));
        return shape;
    }

    private static float[] CheckData(int[] shape, float[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        long n = ElementCount(shape);
        if (n != data.Length)
            throw new ArgumentException($"shape [{string.Join(",", shape)}] needs {n} elements but Data has {data.Length}", nameof(Data));
        return data;
    }
}
