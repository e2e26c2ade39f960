namespace SuperRes.Tensors.Primitives;

/// <summary>
/// Element-wise arithmetic that <see cref="Elementwise"/> lacks (kernels/arithmetic.cl; C# reference on Cpu).
/// </summary>
public static class Arithmetic
{
    private const string File = "arithmetic.cl";

    /// <summary>y = a − b</summary>
    public static void Subtract(DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("subtract", OpLabel.Elements(n), n, OpCost.F32(3 * n)));
        if (Launch.SameDevice("subtract", n, a, b, y) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "subtract"), LaunchGrid.Linear(n), n, a, b, y);
            return;
        }
        var sa = Launch.Span(a, n);
        var sb = Launch.Span(b, n);
        var sy = Launch.Span(y, n);
        for (int i = 0; i < sa.Length; i++)
            sy[i] = sa[i] - sb[i];
    }

    /// <summary>y = x + scale·residual</summary>
    public static void ResidualAdd(DeviceBuffer x, DeviceBuffer residual, float scale, DeviceBuffer y, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("residual_add", OpLabel.Elements(n), 2.0 * n, OpCost.F32(3 * n)));
        if (Launch.SameDevice("residual_add", n, x, residual, y) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "residual_add"), LaunchGrid.Linear(n), n, scale, x, residual, y);
            return;
        }
        var xs = Launch.Span(x, n);
        var rs = Launch.Span(residual, n);
        var ys = Launch.Span(y, n);
        for (int i = 0; i < xs.Length; i++)
            ys[i] = xs[i] + scale * rs[i];
    }

    /// <summary>y[0..n) = scale·value[0], with value[0] read on the device (no host round trip).</summary>
    public static void BroadcastScalar(DeviceBuffer value, float scale, DeviceBuffer y, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("broadcast_scalar", OpLabel.Elements(n), n, OpCost.F32(n + 1)));
        Launch.SameDevice("broadcast_scalar", 1, value, y);
        if (Launch.SameDevice("broadcast_scalar", n, y) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "broadcast_scalar"), LaunchGrid.Linear(n), n, scale, value, y);
            return;
        }
        Launch.Span(y, n).Fill(scale * value.HostArray![0]);
    }
}
