namespace SuperRes.Tensors.Primitives;

/// <summary>
/// Adaptive average pooling to ho×wo bins (PyTorch's <c>nn.AdaptiveAvgPool2d((ho, wo))</c>) on NCHW buffers of
/// <c>planes</c> = N·C planes of h×w values: bin (i, j) averages rows [⌊i·h/ho⌋, ⌈(i+1)·h/ho⌉) and the columns
/// likewise. kernels/adaptive_avg_pool2d.cl on CUDA and OpenCL, C# loops on the Cpu.
/// </summary>
public static class AdaptiveAvgPool2d
{
    /// <summary>The buffer-level operations one backend provides; sizes are checked before they are called.</summary>
    public interface IBackend
    {
        void Forward(DeviceBuffer x, DeviceBuffer y, int planes, int h, int w, int ho, int wo);

        void Backward(DeviceBuffer gy, DeviceBuffer gx, int planes, int h, int w, int ho, int wo);
    }

    public static BackendTable<IBackend> Backends { get; } = new BackendTable<IBackend>("adaptive_avg_pool2d")
        .With(new AdaptiveAvgPool2dCpu(), BackendKind.Cpu)
        .WithKernels(new AdaptiveAvgPool2dKernels());

    /// <summary>First row (or column) of bin <paramref name="i"/> of <paramref name="bins"/> over <paramref name="size"/>.</summary>
    public static int BinStart(int i, int size, int bins) => i * size / bins;

    /// <summary>One past the last row (or column) of the bin.</summary>
    public static int BinEnd(int i, int size, int bins) => ((i + 1) * size + bins - 1) / bins;

    public static void Forward(DeviceBuffer x, DeviceBuffer y, int planes, int h, int w, int ho, int wo)
    {
        using var op = OpTimer.Start((planes, h, w, ho, wo), static a => new OpCost("adaptive_avg_pool2d", $"{OpLabel.Planes(a.planes, (long)a.h * a.w)} to {a.ho}x{a.wo}",
            (double)a.planes * a.h * a.w, OpCost.F32((long)a.planes * (a.h * a.w + a.ho * a.wo))));
        var device = Check("adaptive_avg_pool2d", planes, h, w, ho, wo, whole: x, pooled: y);
        Backends.For(device).Forward(x, y, planes, h, w, ho, wo);
    }

    public static void Backward(DeviceBuffer gy, DeviceBuffer gx, int planes, int h, int w, int ho, int wo)
    {
        using var op = OpTimer.Start((planes, h, w, ho, wo), static a => new OpCost("adaptive_avg_pool2d_backward", $"{OpLabel.Planes(a.planes, (long)a.h * a.w)} to {a.ho}x{a.wo}",
            (double)a.planes * a.h * a.w, OpCost.F32((long)a.planes * (a.h * a.w + a.ho * a.wo))));
        var device = Check("adaptive_avg_pool2d_backward", planes, h, w, ho, wo, whole: gx, pooled: gy);
        Backends.For(device).Backward(gy, gx, planes, h, w, ho, wo);
    }

    private static Device Check(string op, int planes, int h, int w, int ho, int wo, DeviceBuffer whole, DeviceBuffer pooled)
    {
        if (h < 1 || w < 1 || ho < 1 || wo < 1)
            throw new ArgumentException($"{op}: cannot pool a {h}×{w} plane to {ho}×{wo}");
        Launch.SameDevice(op, (long)planes * h * w, whole);
        Launch.SameDevice(op, (long)planes * ho * wo, pooled);
        return Launch.SameDevice(op, 1, pooled, whole);
    }
}
