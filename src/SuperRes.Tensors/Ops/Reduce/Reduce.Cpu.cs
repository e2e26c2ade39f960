namespace SuperRes.Tensors.Primitives;

/// <summary>The C# reference accumulates in double so it is the more accurate side of every comparison.</summary>
internal sealed class ReduceCpu : Reduce.IBackend
{
    public void Sum(DeviceBuffer x, long n, DeviceBuffer result)
    {
        double acc = 0;
        foreach (var v in Launch.Span(x, n))
            acc += v;
        Launch.Array(result)[0] = (float)acc;
    }
}
