namespace SuperRes.Models.Serialization;

/// <summary>Copies a (storage, offset, size, stride) tensor out into a contiguous row-major HostTensor.</summary>
internal static class TensorRebuild
{
    /// <param name="soleUser">No other tensor being materialised uses this storage, so when the tensor
    /// is exactly the whole storage its array can be handed over instead of copied.</param>
    public static HostTensor Materialize(TensorRef t, string path, string key, bool soleUser)
    {
        var slice = t.Storage;
        int rank = t.Size.Length;
        if (t.Stride.Length != rank) Fail(path, key, $"has {rank} sizes but {t.Stride.Length} strides");
        var shape = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            if (t.Size[i] < 0 || t.Size[i] > int.MaxValue) Fail(path, key, $"has invalid size {t.Size[i]} in dimension {i}");
            if (t.Stride[i] < 0) Fail(path, key, $"has negative stride {t.Stride[i]} in dimension {i}");
            shape[i] = (int)t.Size[i];
        }
        long count = HostTensor.ElementCount(shape);
        if (count < 0) Fail(path, key, $"shape [{string.Join(",", shape)}] has too many elements");
        if (t.Offset < 0) Fail(path, key, $"has negative storage offset {t.Offset}");
        if (count == 0) return new HostTensor(shape, []);

        // The furthest element must lie inside the storage (view); checked arithmetic, as the numbers come from the file.
        long last;
        try
        {
            last = t.Offset;
            for (int i = 0; i < rank; i++) last = checked(last + (t.Size[i] - 1) * t.Stride[i]);
        }
        catch (OverflowException) { Fail(path, key, "strides overflow"); return null; }
        if (last >= slice.Numel)
            Fail(path, key, $"[{string.Join(",", shape)}] at offset {t.Offset} with strides ({string.Join(",", t.Stride)}) reaches element {last} " +
                 $"of storage '{slice.Root.Key}' which holds {slice.Numel}");

        float[] src = slice.Root.Data;
        long origin = slice.Offset + t.Offset;
        if (IsContiguous(shape, t.Stride))
        {
            if (soleUser && origin == 0 && src.Length == count) return new HostTensor(shape, src);
            var whole = new float[count];
            Array.Copy(src, origin, whole, 0, count);
            return new HostTensor(shape, whole);
        }

        // Odometer over all but the last dimension; the last one is a strided inner loop.
        int inner = rank - 1;
        int n = shape[inner];
        long innerStride = t.Stride[inner];
        var index = new int[rank];
        long outer = origin;
        var data = new float[count];
        for (int dst = 0; dst < count; dst += n)
        {
            long p = outer;
            for (int j = 0; j < n; j++, p += innerStride) data[dst + j] = src[p];
            for (int d = inner - 1; d >= 0; d--)
            {
                outer += t.Stride[d];
                if (++index[d] < shape[d]) break;
                outer -= t.Stride[d] * shape[d];
                index[d] = 0;
            }
        }
        return new HostTensor(shape, data);
    }

    private static bool IsContiguous(int[] shape, long[] stride)
    {
        long expected = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            if (shape[i] != 1 && stride[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Fail(string path, string key, string problem) => throw new WeightFormatException(path, $"tensor '{key}' {problem}");
}
