namespace SuperRes.Tensors.Primitives;

/// <summary>
/// Per-plane reductions and broadcasts over NCHW buffers, where a plane is one (n, c) image of <c>hw</c> = H·W
/// contiguous values and <c>planes</c> = N·C: kernels/pooling.cl on CUDA and OpenCL (one work-group per plane for
/// the reductions), C# loops accumulating in double on the Cpu.
/// </summary>
public static class Pooling
{
    /// <summary>The buffer-level operations one backend provides.</summary>
    public interface IBackend
    {
        void PlaneSum(DeviceBuffer x, DeviceBuffer y, int planes, int hw, float scale);

        void PlaneDot(DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, int planes, int hw);

        void PlaneMeanStd(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer std, int planes, int hw);

        void PlaneBroadcast(DeviceBuffer g, DeviceBuffer y, int planes, int hw, float scale);

        void PlaneMultiply(DeviceBuffer x, DeviceBuffer a, DeviceBuffer y, int planes, int hw);

        void PlaneStdBackward(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer std, DeviceBuffer gstd, DeviceBuffer gx, int planes, int hw);
    }

    public static BackendTable<IBackend> Backends { get; } = new BackendTable<IBackend>("pooling")
        .With(new PoolingCpu(), BackendKind.Cpu)
        .WithKernels(new PoolingKernels());

    /// <summary>y[p] = scale · Σ x over plane p.</summary>
    public static void PlaneSum(DeviceBuffer x, DeviceBuffer y, int planes, int hw, float scale)
    {
        using var op = OpTimer.Start((planes, hw), static s => new OpCost("plane_sum", OpLabel.Planes(s.planes, s.hw), (double)s.planes * s.hw, OpCost.F32((long)s.planes * s.hw + s.planes)));
        Backends.For(Check("plane_sum", planes, hw, [x], [y])).PlaneSum(x, y, planes, hw, scale);
    }

    /// <summary>y[p] = Σ a·b over plane p.</summary>
    public static void PlaneDot(DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, int planes, int hw)
    {
        using var op = OpTimer.Start((planes, hw), static s => new OpCost("plane_dot", OpLabel.Planes(s.planes, s.hw), 2.0 * s.planes * s.hw, OpCost.F32(2L * s.planes * s.hw + s.planes)));
        Backends.For(Check("plane_dot", planes, hw, [a, b], [y])).PlaneDot(a, b, y, planes, hw);
    }

    /// <summary>Per plane: mean = Σx / hw and the population std = sqrt(Σ(x − mean)² / hw).</summary>
    public static void PlaneMeanStd(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer std, int planes, int hw)
    {
        using var op = OpTimer.Start((planes, hw), static s => new OpCost("plane_mean_std", OpLabel.Planes(s.planes, s.hw), 4.0 * s.planes * s.hw, OpCost.F32((long)s.planes * s.hw + 2L * s.planes)));
        Backends.For(Check("plane_mean_std", planes, hw, [x], [mean, std])).PlaneMeanStd(x, mean, std, planes, hw);
    }

    /// <summary>y[i] = scale · g[plane of i]: spreads one value per plane over the plane.</summary>
    public static void PlaneBroadcast(DeviceBuffer g, DeviceBuffer y, int planes, int hw, float scale)
    {
        using var op = OpTimer.Start((planes, hw), static s => new OpCost("plane_broadcast", OpLabel.Planes(s.planes, s.hw), (double)s.planes * s.hw, OpCost.F32((long)s.planes * s.hw + s.planes)));
        Backends.For(Check("plane_broadcast", planes, hw, [y], [g])).PlaneBroadcast(g, y, planes, hw, scale);
    }

    /// <summary>y[i] = x[i] · a[plane of i]: scales each plane by its own factor.</summary>
    public static void PlaneMultiply(DeviceBuffer x, DeviceBuffer a, DeviceBuffer y, int planes, int hw)
    {
        using var op = OpTimer.Start((planes, hw), static s => new OpCost("plane_multiply", OpLabel.Planes(s.planes, s.hw), (double)s.planes * s.hw, OpCost.F32(2L * s.planes * s.hw + s.planes)));
        Backends.For(Check("plane_multiply", planes, hw, [x, y], [a])).PlaneMultiply(x, a, y, planes, hw);
    }

    /// <summary>
    /// Gradient of the population std of each plane: gx = gstd · (x − mean) / (hw · std), and 0 on planes whose
    /// std is exactly 0 (constant planes, 1×1 images), where the std has no derivative.
    /// </summary>
    public static void PlaneStdBackward(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer std, DeviceBuffer gstd, DeviceBuffer gx, int planes, int hw)
    {
        using var op = OpTimer.Start((planes, hw), static s => new OpCost("plane_std_backward", OpLabel.Planes(s.planes, s.hw), 4.0 * s.planes * s.hw, OpCost.F32(2L * s.planes * s.hw + 3L * s.planes)));
        Backends.For(Check("plane_std_backward", planes, hw, [x, gx], [mean, std, gstd])).PlaneStdBackward(x, mean, std, gstd, gx, planes, hw);
    }

    /// <summary>One device for all buffers; the whole-tensor ones hold planes·hw values, the per-plane ones planes.</summary>
    private static Device Check(string op, int planes, int hw, ReadOnlySpan<DeviceBuffer> whole, ReadOnlySpan<DeviceBuffer> perPlane)
    {
        Launch.SameDevice(op, (long)planes * hw, whole);
        return Launch.SameDevice(op, planes, [whole[0], .. perPlane]);
    }
}
