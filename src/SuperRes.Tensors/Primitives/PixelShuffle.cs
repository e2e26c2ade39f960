namespace SuperRes.Tensors.Primitives;

/// <summary>
/// Pixel shuffle between a deep tensor [N, C·r², H, W] and a wide one [N, C, H·r, W·r] with PyTorch's channel
/// order: wide[n, c, h·r + i, w·r + j] = deep[n, c·r² + i·r + j, h, w]. Each direction is the other's gradient.
/// Sizes are given as <paramref name="planes"/> = N·C (the wide tensor's planes) and the deep spatial size h × w.
/// </summary>
public static class PixelShuffle
{
    private const string File = "pixel_shuffle.cl";

    /// <summary>deep [N, C·r², h, w] → wide [N, C, h·r, w·r].</summary>
    public static void Shuffle(DeviceBuffer deep, DeviceBuffer wide, int planes, int h, int w, int r)
    {
        using var op = OpTimer.Start((planes, h, w, r), static s => new OpCost("pixel_shuffle", $"{s.planes * s.r * s.r}→{s.planes} {s.h}x{s.w} r{s.r}", 0, OpCost.F32(2L * s.planes * s.r * s.r * s.h * s.w)));
        long n = (long)planes * r * r * h * w;
        if (Launch.SameDevice("pixel_shuffle", n, deep, wide) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "pixel_shuffle", Defines(r)), LaunchGrid.Linear(n), n, h, w, deep, wide);
            return;
        }
        var src = deep.HostArray!;
        var dst = wide.HostArray!;
        Parallel.For(0, planes, nc =>
        {
            for (int y = 0; y < h * r; y++)
                for (int x = 0; x < w * r; x++)
                    dst[((long)nc * h * r + y) * w * r + x] = src[((((long)nc * r + y % r) * r + x % r) * h + y / r) * w + x / r];
        });
    }

    /// <summary>wide [N, C, h·r, w·r] → deep [N, C·r², h, w].</summary>
    public static void Unshuffle(DeviceBuffer wide, DeviceBuffer deep, int planes, int h, int w, int r)
    {
        using var op = OpTimer.Start((planes, h, w, r), static s => new OpCost("pixel_unshuffle", $"{s.planes}→{s.planes * s.r * s.r} {s.h}x{s.w} r{s.r}", 0, OpCost.F32(2L * s.planes * s.r * s.r * s.h * s.w)));
        long n = (long)planes * r * r * h * w;
        if (Launch.SameDevice("pixel_unshuffle", n, wide, deep) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "pixel_unshuffle", Defines(r)), LaunchGrid.Linear(n), n, h, w, wide, deep);
            return;
        }
        var src = wide.HostArray!;
        var dst = deep.HostArray!;
        Parallel.For(0, planes, nc =>
        {
            for (int i = 0; i < r; i++)
                for (int j = 0; j < r; j++)
                    for (int y = 0; y < h; y++)
                        for (int x = 0; x < w; x++)
                            dst[((((long)nc * r + i) * r + j) * h + y) * w + x] = src[((long)nc * h * r + y * r + i) * w * r + x * r + j];
        });
    }

    private static KernelDefines Defines(int r) => new KernelDefines().With("R", r);
}
