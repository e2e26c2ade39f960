using System.Numerics;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The C# reference accumulates in double so it is the more accurate side of every comparison; per fixed chunk
/// (<see cref="CpuChunks.Sum"/>), so the sum is the same whatever the core count.
/// </summary>
internal sealed class ReduceCpu : Reduce.IBackend
{
    public void Sum(DeviceBuffer x, long n, DeviceBuffer result)
    {
        _ = Launch.Span(x, n); // throws when n overruns the buffer, before any work starts
        var xs = Launch.Array(x);
        Launch.Array(result)[0] = (float)CpuChunks.Sum(n, (start, end) => Total(xs.AsSpan(start, end - start)));
    }

    private static double Total(ReadOnlySpan<float> x)
    {
        var acc = Vector<double>.Zero;
        int i = 0;
        for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            Vector.Widen(CpuChunks.Load(x, i), out var low, out var high);
            acc += low + high;
        }
        double sum = Vector.Sum(acc);
        for (; i < x.Length; i++)
            sum += x[i];
        return sum;
    }
}
