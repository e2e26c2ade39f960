namespace SuperRes.Tensors.Primitives;

/// <summary>The C# reference: every term in double, summed per fixed chunk (<see cref="CpuChunks.Sum"/>), so deterministic.</summary>
internal sealed class BceWithLogitsCpu : BceWithLogits.IBackend
{
    public void Mean(DeviceBuffer x, DeviceBuffer t, long n, DeviceBuffer result)
    {
        var (xs, ts) = (Launch.Array(x), Launch.Array(t));
        double total = CpuChunks.Sum(n, (start, end) =>
        {
            double sum = 0;
            for (int i = start; i < end; i++)
                sum += Term(xs[i], ts[i]);
            return sum;
        });
        Launch.Array(result)[0] = (float)(total / n);
    }

    public void LogitsBackward(DeviceBuffer x, DeviceBuffer t, DeviceBuffer gy, DeviceBuffer gx, long n)
    {
        var (xs, ts, gxs) = (Launch.Array(x), Launch.Array(t), Launch.Array(gx));
        double g = Launch.Array(gy)[0] / (double)n;
        CpuChunks.For(n, (start, end) =>
        {
            for (int i = start; i < end; i++)
                gxs[i] = (float)(g * (Sigmoid(xs[i]) - ts[i]));
        });
    }

    public void TargetBackward(DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gt, long n)
    {
        var (xs, gts) = (Launch.Array(x), Launch.Array(gt));
        double g = -Launch.Array(gy)[0] / (double)n;
        CpuChunks.For(n, (start, end) =>
        {
            for (int i = start; i < end; i++)
                gts[i] = (float)(g * xs[i]);
        });
    }

    /// <summary>max(x, 0) − x·t + log(1 + e^−|x|), with log1p's small-argument form where 1 + e would round.</summary>
    private static double Term(double x, double t)
    {
        double e = Math.Exp(-Math.Abs(x));
        double log1p = e < 1e-8 ? e - 0.5 * e * e : Math.Log(1 + e);
        return Math.Max(x, 0) - x * t + log1p;
    }

    private static double Sigmoid(double x)
    {
        double e = Math.Exp(-Math.Abs(x));
        return x >= 0 ? 1 / (1 + e) : e / (1 + e);
    }
}
