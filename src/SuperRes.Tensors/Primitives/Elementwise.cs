namespace SuperRes.Tensors.Primitives;

/// <summary>
/// Element-wise ops over flat buffers. On a <see cref="KernelDevice"/> they run kernels/elementwise.cl;
/// on the Cpu device the C# loops here are the reference.
/// </summary>
public static class Elementwise
{
    private const string File = "elementwise.cl";

    public static void Fill(DeviceBuffer y, float value, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("fill", OpLabel.Elements(n), 0, OpCost.F32(n)));
        if (Launch.SameDevice("fill", n, y) is KernelDevice k)
            k.Launch(k.GetKernel(File, "fill"), LaunchGrid.Linear(n), n, value, y);
        else
            Launch.Span(y, n).Fill(value);
    }

    public static void Copy(DeviceBuffer x, DeviceBuffer y, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("copy", OpLabel.Elements(n), 0, OpCost.F32(2 * n)));
        if (Launch.SameDevice("copy", n, x, y) is KernelDevice k)
            k.Launch(k.GetKernel(File, "copy"), LaunchGrid.Linear(n), n, x, y);
        else
            Launch.Span(x, n).CopyTo(Launch.Span(y, n));
    }

    /// <summary>y = a·x</summary>
    public static void Scale(DeviceBuffer x, float a, DeviceBuffer y, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("scale", OpLabel.Elements(n), n, OpCost.F32(2 * n)));
        if (Launch.SameDevice("scale", n, x, y) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "scale"), LaunchGrid.Linear(n), n, a, x, y);
            return;
        }
        var xs = Launch.Span(x, n);
        var ys = Launch.Span(y, n);
        for (int i = 0; i < xs.Length; i++)
            ys[i] = a * xs[i];
    }

    /// <summary>y += a·x</summary>
    public static void Axpy(float a, DeviceBuffer x, DeviceBuffer y, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("axpy", OpLabel.Elements(n), 2.0 * n, OpCost.F32(3 * n)));
        if (Launch.SameDevice("axpy", n, x, y) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "axpy"), LaunchGrid.Linear(n), n, a, x, y);
            return;
        }
        var xs = Launch.Span(x, n);
        var ys = Launch.Span(y, n);
        for (int i = 0; i < xs.Length; i++)
            ys[i] += a * xs[i];
    }

    /// <summary>y = a + b</summary>
    public static void Add(DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, long n) => Binary("add", a, b, y, n, static (p, q) => p + q);

    /// <summary>y = a · b (element-wise)</summary>
    public static void Multiply(DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, long n) => Binary("multiply", a, b, y, n, static (p, q) => p * q);

    /// <summary>y = max(x, 0)</summary>
    public static void Relu(DeviceBuffer x, DeviceBuffer y, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("relu", OpLabel.Elements(n), n, OpCost.F32(2 * n)));
        if (Launch.SameDevice("relu", n, x, y) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "relu"), LaunchGrid.Linear(n), n, x, y);
            return;
        }
        var xs = Launch.Span(x, n);
        var ys = Launch.Span(y, n);
        for (int i = 0; i < xs.Length; i++)
            ys[i] = Math.Max(xs[i], 0f);
    }

    /// <summary>gx = gy where y &gt; 0, else 0 (y is relu's output).</summary>
    public static void ReluBackward(DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("relu_backward", OpLabel.Elements(n), n, OpCost.F32(3 * n)));
        if (Launch.SameDevice("relu_backward", n, y, gy, gx) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "relu_backward"), LaunchGrid.Linear(n), n, y, gy, gx);
            return;
        }
        var ys = Launch.Span(y, n);
        var gys = Launch.Span(gy, n);
        var gxs = Launch.Span(gx, n);
        for (int i = 0; i < ys.Length; i++)
            gxs[i] = ys[i] > 0 ? gys[i] : 0f;
    }

    private static void Binary(string kernel, DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, long n, Func<float, float, float> op)
    {
        using var scope = OpTimer.Start((kernel, n), static s => new OpCost(s.kernel, OpLabel.Elements(s.n), s.n, OpCost.F32(3 * s.n)));
        if (Launch.SameDevice(kernel, n, a, b, y) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, kernel), LaunchGrid.Linear(n), n, a, b, y);
            return;
        }
        var sa = Launch.Span(a, n);
        var sb = Launch.Span(b, n);
        var sy = Launch.Span(y, n);
        for (int i = 0; i < sa.Length; i++)
            sy[i] = op(sa[i], sb[i]);
    }
}
