namespace SuperRes.Tensors.Primitives;

/// <summary>The C# reference: one parallel task per plane.</summary>
internal sealed class PixelShuffleCpu : PixelShuffle.IBackend
{
    public void Shuffle(DeviceBuffer deep, DeviceBuffer wide, int planes, int h, int w, int r)
    {
        var src = Launch.Array(deep);
        var dst = Launch.Array(wide);
        Parallel.For(0, planes, nc =>
        {
            for (int y = 0; y < h * r; y++)
                for (int x = 0; x < w * r; x++)
                    dst[((long)nc * h * r + y) * w * r + x] = src[((((long)nc * r + y % r) * r + x % r) * h + y / r) * w + x / r];
        });
    }

    public void Unshuffle(DeviceBuffer wide, DeviceBuffer deep, int planes, int h, int w, int r)
    {
        var src = Launch.Array(wide);
        var dst = Launch.Array(deep);
        Parallel.For(0, planes, nc =>
        {
            for (int i = 0; i < r; i++)
                for (int j = 0; j < r; j++)
                    for (int y = 0; y < h; y++)
                        for (int x = 0; x < w; x++)
                            dst[((((long)nc * r + i) * r + j) * h + y) * w + x] = src[((long)nc * h * r + y * r + i) * w * r + x * r + j];
        });
    }
}
