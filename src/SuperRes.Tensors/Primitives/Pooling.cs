namespace SuperRes.Tensors.Primitives;

/// <summary>
/// Per-plane reductions and broadcasts over NCHW buffers, where a plane is one (n, c) image of
/// <c>hw</c> = H·W contiguous values and <c>planes</c> = N·C. On a <see cref="KernelDevice"/> they run
/// kernels/pooling.cl (one work-group per plane for the reductions); on the Cpu device the C# loops here are
/// the reference, accumulating in double.
/// </summary>
public static class Pooling
{
    private const string File = "pooling.cl";
    private const int Group = 256;
    private static readonly KernelDefines Defines = new KernelDefines().With("GROUP", Group);

    /// <summary>y[p] = scale · Σ x over plane p.</summary>
    public static void PlaneSum(DeviceBuffer x, DeviceBuffer y, int planes, int hw, float scale)
    {
        using var op = OpTimer.Start((planes, hw), static s => new OpCost("plane_sum", OpLabel.Planes(s.planes, s.hw), (double)s.planes * s.hw, OpCost.F32((long)s.planes * s.hw + s.planes)));
        if (Check("plane_sum", planes, hw, [x], [y]) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "plane_sum", Defines), PerPlane(planes), planes, hw, scale, x, y);
            return;
        }
        var xs = x.HostArray!;
        var ys = y.HostArray!;
        Parallel.For(0, planes, p =>
        {
            double acc = 0;
            for (long i = (long)p * hw, end = i + hw; i < end; i++)
                acc += xs[i];
            ys[p] = (float)(scale * acc);
        });
    }

    /// <summary>y[p] = Σ a·b over plane p.</summary>
    public static void PlaneDot(DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, int planes, int hw)
    {
        using var op = OpTimer.Start((planes, hw), static s => new OpCost("plane_dot", OpLabel.Planes(s.planes, s.hw), 2.0 * s.planes * s.hw, OpCost.F32(2L * s.planes * s.hw + s.planes)));
        if (Check("plane_dot", planes, hw, [a, b], [y]) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "plane_dot", Defines), PerPlane(planes), planes, hw, a, b, y);
            return;
        }
        var sa = a.HostArray!;
        var sb = b.HostArray!;
        var ys = y.HostArray!;
        Parallel.For(0, planes, p =>
        {
            double acc = 0;
            for (long i = (long)p * hw, end = i + hw; i < end; i++)
                acc += (double)sa[i] * sb[i];
            ys[p] = (float)acc;
        });
    }

    /// <summary>Per plane: mean = Σx / hw and the population std = sqrt(Σ(x − mean)² / hw).</summary>
    public static void PlaneMeanStd(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer std, int planes, int hw)
    {
        using var op = OpTimer.Start((planes, hw), static s => new OpCost("plane_mean_std", OpLabel.Planes(s.planes, s.hw), 4.0 * s.planes * s.hw, OpCost.F32((long)s.planes * s.hw + 2L * s.planes)));
        if (Check("plane_mean_std", planes, hw, [x], [mean, std]) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "plane_mean_std", Defines), PerPlane(planes), planes, hw, x, mean, std);
            return;
        }
        var xs = x.HostArray!;
        var means = mean.HostArray!;
        var stds = std.HostArray!;
        Parallel.For(0, planes, p =>
        {
            long start = (long)p * hw, end = start + hw;
            double sum = 0;
            for (long i = start; i < end; i++)
                sum += xs[i];
            double m = sum / hw, squares = 0;
            for (long i = start; i < end; i++)
                squares += (xs[i] - m) * (xs[i] - m);
            means[p] = (float)m;
            stds[p] = (float)Math.Sqrt(squares / hw);
        });
    }

    /// <summary>y[i] = scale · g[plane of i]: spreads one value per plane over the plane.</summary>
    public static void PlaneBroadcast(DeviceBuffer g, DeviceBuffer y, int planes, int hw, float scale)
    {
        using var op = OpTimer.Start((planes, hw), static s => new OpCost("plane_broadcast", OpLabel.Planes(s.planes, s.hw), (double)s.planes * s.hw, OpCost.F32((long)s.planes * s.hw + s.planes)));
        long n = (long)planes * hw;
        if (Check("plane_broadcast", planes, hw, [y], [g]) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "plane_broadcast", Defines), LaunchGrid.Linear(n), n, hw, scale, g, y);
            return;
        }
        var gs = g.HostArray!;
        var ys = y.HostArray!;
        Parallel.For(0, planes, p =>
        {
            float v = scale * gs[p];
            Array.Fill(ys, v, checked((int)((long)p * hw)), hw);
        });
    }

    /// <summary>y[i] = x[i] · a[plane of i]: scales each plane by its own factor.</summary>
    public static void PlaneMultiply(DeviceBuffer x, DeviceBuffer a, DeviceBuffer y, int planes, int hw)
    {
        using var op = OpTimer.Start((planes, hw), static s => new OpCost("plane_multiply", OpLabel.Planes(s.planes, s.hw), (double)s.planes * s.hw, OpCost.F32(2L * s.planes * s.hw + s.planes)));
        long n = (long)planes * hw;
        if (Check("plane_multiply", planes, hw, [x, y], [a]) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "plane_multiply", Defines), LaunchGrid.Linear(n), n, hw, x, a, y);
            return;
        }
        var xs = x.HostArray!;
        var factors = a.HostArray!;
        var ys = y.HostArray!;
        Parallel.For(0, planes, p =>
        {
            float f = factors[p];
            for (long i = (long)p * hw, end = i + hw; i < end; i++)
                ys[i] = xs[i] * f;
        });
    }

    /// <summary>
    /// Gradient of the population std of each plane: gx = gstd · (x − mean) / (hw · std), and 0 on planes whose
    /// std is exactly 0 (constant planes, 1×1 images), where the std has no derivative.
    /// </summary>
    public static void PlaneStdBackward(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer std, DeviceBuffer gstd, DeviceBuffer gx, int planes, int hw)
    {
        using var op = OpTimer.Start((planes, hw), static s => new OpCost("plane_std_backward", OpLabel.Planes(s.planes, s.hw), 4.0 * s.planes * s.hw, OpCost.F32(2L * s.planes * s.hw + 3L * s.planes)));
        long n = (long)planes * hw;
        if (Check("plane_std_backward", planes, hw, [x, gx], [mean, std, gstd]) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "plane_std_backward", Defines), LaunchGrid.Linear(n), n, hw, x, mean, std, gstd, gx);
            return;
        }
        var xs = x.HostArray!;
        var means = mean.HostArray!;
        var stds = std.HostArray!;
        var gs = gstd.HostArray!;
        var gxs = gx.HostArray!;
        Parallel.For(0, planes, p =>
        {
            float m = means[p], s = stds[p], g = gs[p];
            for (long i = (long)p * hw, end = i + hw; i < end; i++)
                gxs[i] = s > 0 ? g * (xs[i] - m) / (hw * s) : 0f;
        });
    }

    private static LaunchGrid PerPlane(int planes) => LaunchGrid.Linear((long)planes * Group, Group);

    /// <summary>One device for all buffers; the whole-tensor ones hold planes·hw values, the per-plane ones planes.</summary>
    private static Device Check(string op, int planes, int hw, ReadOnlySpan<DeviceBuffer> whole, ReadOnlySpan<DeviceBuffer> perPlane)
    {
        Launch.SameDevice(op, (long)planes * hw, whole);
        return Launch.SameDevice(op, planes, [whole[0], .. perPlane]);
    }
}
