namespace SuperRes.Tensors.Primitives;

/// <summary>The C# reference: one parallel task per plane; the backward spreads each bin's gradient over it, bins in order.</summary>
internal sealed class AdaptiveAvgPool2dCpu : AdaptiveAvgPool2d.IBackend
{
    public void Forward(DeviceBuffer x, DeviceBuffer y, int planes, int h, int w, int ho, int wo)
    {
        var (xs, ys) = (Launch.Array(x), Launch.Array(y));
        CpuChunks.ForEachTask(planes, p =>
        {
            int plane = p * h * w;
            for (int i = 0; i < ho; i++)
                for (int j = 0; j < wo; j++)
                {
                    var (r0, r1, c0, c1) = Bin(i, j, h, w, ho, wo);
                    float sum = 0;
                    for (int r = r0; r < r1; r++)
                        for (int c = c0; c < c1; c++)
                            sum += xs[plane + r * w + c];
                    ys[(p * ho + i) * wo + j] = sum / ((r1 - r0) * (c1 - c0));
                }
        });
    }

    public void Backward(DeviceBuffer gy, DeviceBuffer gx, int planes, int h, int w, int ho, int wo)
    {
        var (gys, gxs) = (Launch.Array(gy), Launch.Array(gx));
        CpuChunks.ForEachTask(planes, p =>
        {
            int plane = p * h * w;
            gxs.AsSpan(plane, h * w).Clear();
            for (int i = 0; i < ho; i++)
                for (int j = 0; j < wo; j++)
                {
                    var (r0, r1, c0, c1) = Bin(i, j, h, w, ho, wo);
                    float g = gys[(p * ho + i) * wo + j] / ((r1 - r0) * (c1 - c0));
                    for (int r = r0; r < r1; r++)
                        for (int c = c0; c < c1; c++)
                            gxs[plane + r * w + c] += g;
                }
        });
    }

    private static (int R0, int R1, int C0, int C1) Bin(int i, int j, int h, int w, int ho, int wo) =>
        (AdaptiveAvgPool2d.BinStart(i, h, ho), AdaptiveAvgPool2d.BinEnd(i, h, ho), AdaptiveAvgPool2d.BinStart(j, w, wo), AdaptiveAvgPool2d.BinEnd(j, w, wo));
}
