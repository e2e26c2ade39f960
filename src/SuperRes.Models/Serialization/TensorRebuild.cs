namespace SuperRes.Models.Serialization;

/// <summary>
/// Turns (storage, offset, size, stride) tensors into contiguous row-major HostTensors, in three steps so a
/// hostile file fails before it costs anything: <see cref="Validate"/> checks every tensor's geometry against
/// its storage (no data needed), the loader reads the storages the wanted tensors use (charged to the budget
/// first), and <see cref="MaterializeAll"/> builds the tensors. A tensor that is a whole storage, as torch.save
/// writes them, shares the storage's array, however many tensors alias it; any other view is a copy, charged.
/// </summary>
internal static class TensorRebuild
{
    /// <summary>Checks sizes, strides and extent against the storage; returns the shape.</summary>
    public static int[] Validate(TensorRef t, string path, string key)
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
        if (count == 0) return shape;

        // The furthest element must lie inside the storage (view); checked arithmetic, as the numbers come from the file.
        long last;
        try
        {
            last = t.Offset;
            for (int i = 0; i < rank; i++) last = checked(last + (t.Size[i] - 1) * t.Stride[i]);
        }
        catch (OverflowException) { Fail(path, key, "strides overflow"); return shape; }
        if (last >= slice.Numel)
            Fail(path, key, $"[{string.Join(",", shape)}] at offset {t.Offset} with strides ({string.Join(",", t.Stride)}) reaches element {last} " +
                 $"of storage '{slice.Root.Key}' which holds {slice.Numel}");
        return shape;
    }

    /// <summary>The distinct storages a set of tensors reads, in first-use order.</summary>
    public static List<TorchStorage> StoragesOf(IEnumerable<KeyValuePair<string, TensorRef>> refs) =>
        refs.Select(r => r.Value.Storage.Root).Distinct().ToList();

    /// <summary>Builds every tensor from its storage's data (<paramref name="data"/>, already read and validated).</summary>
    public static OrderedDictionary<string, HostTensor> MaterializeAll(
        IReadOnlyList<KeyValuePair<string, TensorRef>> refs, string path, LoadBudget budget, Func<TorchStorage, float[]> data)
    {
        var tensors = new OrderedDictionary<string, HostTensor>(refs.Count);
        foreach (var (key, t) in refs)
        {
            var shape = Validate(t, path, key);
            long count = HostTensor.ElementCount(shape);
            float[] src = data(t.Storage.Root);
            long origin = t.Storage.Offset + t.Offset;
            if (count == src.Length && origin == 0 && IsContiguous(shape, t.Stride))
            {
                tensors[key] = new HostTensor(shape, src); // the whole storage: shared, never copied
                continue;
            }
            budget.Allocate(count * sizeof(float), $"tensor '{key}' (a {count}-element view)");
            tensors[key] = new HostTensor(shape, Copy(t, shape, count, src, origin));
        }
        return tensors;
    }

    private static float[] Copy(TensorRef t, int[] shape, long count, float[] src, long origin)
    {
        var data = new float[count];
        if (count == 0) return data;
        if (IsContiguous(shape, t.Stride))
        {
            Array.Copy(src, origin, data, 0, count);
            return data;
        }
        // Odometer over all but the last dimension; the last one is a strided inner loop.
        int rank = shape.Length, inner = rank - 1, n = shape[inner];
        long innerStride = t.Stride[inner];
        var index = new int[rank];
        long outer = origin;
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
        return data;
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
