namespace SuperRes.Tensors.Primitives;

/// <summary>
/// Activation functions and their backwards over flat buffers (kernels/activations.cl; C# reference on Cpu).
/// PReLU takes <c>slopes</c> (1 shared, or C per channel) and <c>plane</c> (elements per channel of one
/// sample, H·W): element i uses slope (i / plane) mod slopes.
/// </summary>
public static class Activations
{
    private const string File = "activations.cl";
    private const int Group = 256;
    // A slope's elements are split into chunks of at least Group·ItemsPerThread, at most MaxChunks of them.
    private const int ItemsPerThread = 16;
    private const int MaxChunks = 256;
    private static readonly KernelDefines Defines = new KernelDefines().With("GROUP", Group);

    /// <summary>y = x where x &gt; 0, else slope·x</summary>
    public static void LeakyRelu(DeviceBuffer x, float slope, DeviceBuffer y, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("leaky_relu", OpLabel.Elements(n), n, OpCost.F32(2 * n)));
        if (Launch.SameDevice("leaky_relu", n, x, y) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "leaky_relu", Defines), LaunchGrid.Linear(n), n, slope, x, y);
            return;
        }
        var xs = Launch.Span(x, n);
        var ys = Launch.Span(y, n);
        for (int i = 0; i < xs.Length; i++)
            ys[i] = xs[i] > 0 ? xs[i] : slope * xs[i];
    }

    /// <summary>gx = gy where x &gt; 0, else slope·gy</summary>
    public static void LeakyReluBackward(DeviceBuffer x, float slope, DeviceBuffer gy, DeviceBuffer gx, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("leaky_relu_backward", OpLabel.Elements(n), n, OpCost.F32(3 * n)));
        if (Launch.SameDevice("leaky_relu_backward", n, x, gy, gx) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "leaky_relu_backward", Defines), LaunchGrid.Linear(n), n, slope, x, gy, gx);
            return;
        }
        var xs = Launch.Span(x, n);
        var gys = Launch.Span(gy, n);
        var gxs = Launch.Span(gx, n);
        for (int i = 0; i < xs.Length; i++)
            gxs[i] = xs[i] > 0 ? gys[i] : slope * gys[i];
    }

    /// <summary>y = x where x &gt; 0, else slope[c]·x</summary>
    public static void Prelu(DeviceBuffer x, DeviceBuffer slope, int slopes, int plane, DeviceBuffer y, long n)
    {
        using var op = OpTimer.Start((n, slopes), static s => new OpCost("prelu", $"{OpLabel.Elements(s.n)} slopes={s.slopes}", s.n, OpCost.F32(2 * s.n + s.slopes)));
        CheckSlopes("prelu", x, slope, slopes, plane, n);
        if (Launch.SameDevice("prelu", n, x, y) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "prelu", Defines), LaunchGrid.Linear(n), n, slopes, plane, x, slope, y);
            return;
        }
        var xs = Launch.Span(x, n);
        var ss = Launch.Span(slope, slopes);
        var ys = Launch.Span(y, n);
        for (int i = 0; i < xs.Length; i++)
            ys[i] = xs[i] > 0 ? xs[i] : ss[i / plane % slopes] * xs[i];
    }

    /// <summary>gx = gy where x &gt; 0, else slope[c]·gy</summary>
    public static void PreluBackward(DeviceBuffer x, DeviceBuffer slope, int slopes, int plane, DeviceBuffer gy, DeviceBuffer gx, long n)
    {
        using var op = OpTimer.Start((n, slopes), static s => new OpCost("prelu_backward", $"{OpLabel.Elements(s.n)} slopes={s.slopes}", s.n, OpCost.F32(3 * s.n + s.slopes)));
        CheckSlopes("prelu_backward", x, slope, slopes, plane, n);
        if (Launch.SameDevice("prelu_backward", n, x, gy, gx) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "prelu_backward", Defines), LaunchGrid.Linear(n), n, slopes, plane, x, slope, gy, gx);
            return;
        }
        var xs = Launch.Span(x, n);
        var ss = Launch.Span(slope, slopes);
        var gys = Launch.Span(gy, n);
        var gxs = Launch.Span(gx, n);
        for (int i = 0; i < xs.Length; i++)
            gxs[i] = xs[i] > 0 ? gys[i] : ss[i / plane % slopes] * gys[i];
    }

    /// <summary>gslope[s] = Σ x·gy over the elements of slope s with x ≤ 0 (two-pass reduction on the device).</summary>
    public static void PreluSlopeGradient(DeviceBuffer x, DeviceBuffer gy, int slopes, int plane, DeviceBuffer gslope, long n)
    {
        using var op = OpTimer.Start((n, slopes), static s => new OpCost("prelu_slope_partial", $"{OpLabel.Elements(s.n)} slopes={s.slopes}", 2.0 * s.n, OpCost.F32(2 * s.n + s.slopes)));
        CheckSlopes("prelu_slope_gradient", x, gslope, slopes, plane, n);
        long count = n / slopes;
        if (Launch.SameDevice("prelu_slope_gradient", n, x, gy) is KernelDevice k)
        {
            var partialKernel = k.GetKernel(File, "prelu_slope_partial", Defines);
            long chunks = Math.Clamp(count / (Group * ItemsPerThread), 1, MaxChunks);
            if (chunks == 1)
            {
                k.Launch(partialKernel, LaunchGrid.Grid2D(slopes * (long)Group, 1, Group, 1), count, slopes, plane, x, gy, gslope);
                return;
            }
            using var partial = k.Allocate(slopes * chunks);
            k.Launch(partialKernel, LaunchGrid.Grid2D(slopes * (long)Group, chunks, Group, 1), count, slopes, plane, x, gy, partial);
            OpTimer.Next((n, slopes, chunks), static s => new OpCost("sum_rows", $"{OpLabel.Elements(s.n)} slopes={s.slopes}", (double)s.slopes * s.chunks, OpCost.F32(s.slopes * (s.chunks + 1))));
            k.Launch(k.GetKernel(File, "sum_rows", Defines), LaunchGrid.Linear(slopes * (long)Group, Group), chunks, partial, gslope);
            return;
        }
        var xs = Launch.Span(x, n);
        var gys = Launch.Span(gy, n);
        var gs = Launch.Span(gslope, slopes);
        for (int s = 0; s < slopes; s++)
        {
            double acc = 0;
            for (long b = 0; b < n / ((long)slopes * plane); b++)
            {
                int start = checked((int)((b * slopes + s) * plane));
                for (int i = start; i < start + plane; i++)
                    if (xs[i] <= 0)
                        acc += (double)xs[i] * gys[i];
            }
            gs[s] = (float)acc;
        }
    }

    /// <summary>y = 1 / (1 + e^−x)</summary>
    public static void Sigmoid(DeviceBuffer x, DeviceBuffer y, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("sigmoid", OpLabel.Elements(n), 4.0 * n, OpCost.F32(2 * n)));
        if (Launch.SameDevice("sigmoid", n, x, y) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "sigmoid", Defines), LaunchGrid.Linear(n), n, x, y);
            return;
        }
        var xs = Launch.Span(x, n);
        var ys = Launch.Span(y, n);
        for (int i = 0; i < xs.Length; i++)
            ys[i] = 1f / (1f + MathF.Exp(-xs[i]));
    }

    /// <summary>gx = gy·y·(1 − y) from sigmoid's output y</summary>
    public static void SigmoidBackward(DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("sigmoid_backward", OpLabel.Elements(n), 3.0 * n, OpCost.F32(3 * n)));
        if (Launch.SameDevice("sigmoid_backward", n, y, gy, gx) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "sigmoid_backward", Defines), LaunchGrid.Linear(n), n, y, gy, gx);
            return;
        }
        var ys = Launch.Span(y, n);
        var gys = Launch.Span(gy, n);
        var gxs = Launch.Span(gx, n);
        for (int i = 0; i < ys.Length; i++)
            gxs[i] = gys[i] * ys[i] * (1f - ys[i]);
    }

    public static void Tanh(DeviceBuffer x, DeviceBuffer y, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("tanh_forward", OpLabel.Elements(n), n, OpCost.F32(2 * n)));
        if (Launch.SameDevice("tanh", n, x, y) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "tanh_forward", Defines), LaunchGrid.Linear(n), n, x, y);
            return;
        }
        var xs = Launch.Span(x, n);
        var ys = Launch.Span(y, n);
        for (int i = 0; i < xs.Length; i++)
            ys[i] = MathF.Tanh(xs[i]);
    }

    /// <summary>gx = gy·(1 − y²) from tanh's output y</summary>
    public static void TanhBackward(DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("tanh_backward", OpLabel.Elements(n), 3.0 * n, OpCost.F32(3 * n)));
        if (Launch.SameDevice("tanh_backward", n, y, gy, gx) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "tanh_backward", Defines), LaunchGrid.Linear(n), n, y, gy, gx);
            return;
        }
        var ys = Launch.Span(y, n);
        var gys = Launch.Span(gy, n);
        var gxs = Launch.Span(gx, n);
        for (int i = 0; i < ys.Length; i++)
            gxs[i] = gys[i] * (1f - ys[i] * ys[i]);
    }

    private static void CheckSlopes(string op, DeviceBuffer x, DeviceBuffer slope, int slopes, int plane, long n)
    {
        if (slope.Device != x.Device)
            throw new ArgumentException($"{op}: slopes on {slope.Device.Info.Id} but input on {x.Device.Info.Id}; move them to one device first");
        if (slopes < 1 || plane < 1 || n % ((long)slopes * plane) != 0)
            throw new ArgumentException($"{op}: {n} elements do not split into planes of {plane} for {slopes} slopes");
        if (slope.Length < slopes)
            throw new ArgumentException($"{op}: {slopes} slopes but the slope buffer holds {slope.Length}");
    }
}
