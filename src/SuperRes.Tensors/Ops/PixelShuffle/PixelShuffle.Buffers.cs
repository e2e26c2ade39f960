namespace SuperRes.Tensors.Primitives;

/// <summary>
/// Pixel shuffle between a deep tensor [N, C·r², H, W] and a wide one [N, C, H·r, W·r] with PyTorch's channel
/// order: wide[n, c, h·r + i, w·r + j] = deep[n, c·r² + i·r + j, h, w]. Each direction is the other's gradient.
/// Sizes are given as <paramref name="planes"/> = N·C (the wide tensor's planes) and the deep spatial size h × w.
/// </summary>
public static class PixelShuffle
{
    /// <summary>The buffer-level operations one backend provides.</summary>
    public interface IBackend
    {
        void Shuffle(DeviceBuffer deep, DeviceBuffer wide, int planes, int h, int w, int r);

        void Unshuffle(DeviceBuffer wide, DeviceBuffer deep, int planes, int h, int w, int r);
    }

    public static BackendTable<IBackend> Backends { get; } = new BackendTable<IBackend>("pixel_shuffle")
        .With(new PixelShuffleCpu(), BackendKind.Cpu)
        .WithKernels(new PixelShuffleKernels());

    /// <summary>deep [N, C·r², h, w] → wide [N, C, h·r, w·r].</summary>
    public static void Shuffle(DeviceBuffer deep, DeviceBuffer wide, int planes, int h, int w, int r)
    {
        using var op = OpTimer.Start((planes, h, w, r), static s => new OpCost("pixel_shuffle", $"{s.planes * s.r * s.r}→{s.planes} {s.h}x{s.w} r{s.r}", 0, OpCost.F32(2L * s.planes * s.r * s.r * s.h * s.w)));
        var device = Launch.SameDevice("pixel_shuffle", (long)planes * r * r * h * w, deep, wide);
        Backends.For(device).Shuffle(deep, wide, planes, h, w, r);
    }

    /// <summary>wide [N, C, h·r, w·r] → deep [N, C·r², h, w].</summary>
    public static void Unshuffle(DeviceBuffer wide, DeviceBuffer deep, int planes, int h, int w, int r)
    {
        using var op = OpTimer.Start((planes, h, w, r), static s => new OpCost("pixel_unshuffle", $"{s.planes}→{s.planes * s.r * s.r} {s.h}x{s.w} r{s.r}", 0, OpCost.F32(2L * s.planes * s.r * s.r * s.h * s.w)));
        var device = Launch.SameDevice("pixel_unshuffle", (long)planes * r * r * h * w, wide, deep);
        Backends.For(device).Unshuffle(wide, deep, planes, h, w, r);
    }
}
