namespace SuperRes.Tensors.Primitives;

/// <summary>The C# reference: one parallel task per plane; the backward scatters each window's gradient to its maximum, windows in order.</summary>
internal sealed class MaxPool2dCpu : MaxPool2d.IBackend
{
    public void Forward(DeviceBuffer x, DeviceBuffer y, int planes, int h, int w, int k, int s)
    {
        var (xs, ys) = (Launch.Array(x), Launch.Array(y));
        int ho = MaxPool2d.OutputSize(h, k, s), wo = MaxPool2d.OutputSize(w, k, s);
        CpuChunks.ForEachTask(planes, p =>
        {
            var plane = xs.AsSpan(p * h * w, h * w);
            for (int i = 0; i < ho; i++)
                for (int j = 0; j < wo; j++)
                    ys[(p * ho + i) * wo + j] = plane[WindowArgmax(plane, w, k, i * s, j * s)];
        });
    }

    public void Backward(DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gx, int planes, int h, int w, int k, int s)
    {
        var (xs, gys, gxs) = (Launch.Array(x), Launch.Array(gy), Launch.Array(gx));
        int ho = MaxPool2d.OutputSize(h, k, s), wo = MaxPool2d.OutputSize(w, k, s);
        CpuChunks.ForEachTask(planes, p =>
        {
            var plane = xs.AsSpan(p * h * w, h * w);
            var grads = gxs.AsSpan(p * h * w, h * w);
            grads.Clear();
            for (int i = 0; i < ho; i++)
                for (int j = 0; j < wo; j++)
                    grads[WindowArgmax(plane, w, k, i * s, j * s)] += gys[(p * ho + i) * wo + j];
        });
    }

    /// <summary>Offset in the plane of the window's first largest value (a NaN wins), as kernels/max_pool2d.cl picks it.</summary>
    private static int WindowArgmax(ReadOnlySpan<float> plane, int w, int k, int y0, int x0)
    {
        int best = y0 * w + x0;
        float m = plane[best];
        for (int dy = 0; dy < k; dy++)
            for (int dx = 0; dx < k; dx++)
            {
                int at = (y0 + dy) * w + x0 + dx;
                float v = plane[at];
                if (v > m || (float.IsNaN(v) && !float.IsNaN(m)))
                {
                    m = v;
                    best = at;
                }
            }
        return best;
    }
}
