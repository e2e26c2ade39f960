namespace SuperRes.Tensors.Primitives;

/// <summary>The C# reference: one task per plane (CpuChunks), sums accumulated in double.</summary>
internal sealed class PoolingCpu : Pooling.IBackend
{
    public void PlaneSum(DeviceBuffer x, DeviceBuffer y, int planes, int hw, float scale)
    {
        var (xs, ys) = (Launch.Array(x), Launch.Array(y));
        CpuChunks.ForEachTask(planes, p => ys[p] = (float)(scale * Sum(xs.AsSpan(p * hw, hw))));
    }

    public void PlaneDot(DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, int planes, int hw)
    {
        var (sa, sb, ys) = (Launch.Array(a), Launch.Array(b), Launch.Array(y));
        CpuChunks.ForEachTask(planes, p =>
        {
            double acc = 0;
            for (long i = (long)p * hw, end = i + hw; i < end; i++)
                acc += (double)sa[i] * sb[i];
            ys[p] = (float)acc;
        });
    }

    public void PlaneMeanStd(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer std, int planes, int hw)
    {
        var (xs, means, stds) = (Launch.Array(x), Launch.Array(mean), Launch.Array(std));
        CpuChunks.ForEachTask(planes, p =>
        {
            var plane = xs.AsSpan(p * hw, hw);
            double m = Sum(plane) / hw, squares = 0;
            foreach (float v in plane)
                squares += (v - m) * (v - m);
            means[p] = (float)m;
            stds[p] = (float)Math.Sqrt(squares / hw);
        });
    }

    public void PlaneBroadcast(DeviceBuffer g, DeviceBuffer y, int planes, int hw, float scale)
    {
        var (gs, ys) = (Launch.Array(g), Launch.Array(y));
        CpuChunks.ForEachTask(planes, p => ys.AsSpan(p * hw, hw).Fill(scale * gs[p]));
    }

    public void PlaneMultiply(DeviceBuffer x, DeviceBuffer a, DeviceBuffer y, int planes, int hw)
    {
        var (xs, factors, ys) = (Launch.Array(x), Launch.Array(a), Launch.Array(y));
        CpuChunks.ForEachTask(planes, p =>
        {
            float f = factors[p];
            for (long i = (long)p * hw, end = i + hw; i < end; i++)
                ys[i] = xs[i] * f;
        });
    }

    public void PlaneStdBackward(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer std, DeviceBuffer gstd, DeviceBuffer gx, int planes, int hw)
    {
        var (xs, means, stds, gs, gxs) = (Launch.Array(x), Launch.Array(mean), Launch.Array(std), Launch.Array(gstd), Launch.Array(gx));
        CpuChunks.ForEachTask(planes, p =>
        {
            float m = means[p], s = stds[p], g = gs[p];
            for (long i = (long)p * hw, end = i + hw; i < end; i++)
                gxs[i] = s > 0 ? g * (xs[i] - m) / (hw * s) : 0f;
        });
    }

    /// <summary>Σ values in double, in order.</summary>
    private static double Sum(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float v in values)
            sum += v;
        return sum;
    }
}
