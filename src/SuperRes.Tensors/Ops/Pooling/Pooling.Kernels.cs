namespace SuperRes.Tensors.Primitives;

/// <summary>kernels/pooling.cl on CUDA and OpenCL: one work-group per plane for the reductions, one work-item per value for the broadcasts.</summary>
internal sealed class PoolingKernels : Pooling.IBackend
{
    private const string File = "pooling.cl";
    private const int Group = 256;
    private static readonly KernelDefines Defines = new KernelDefines().With("GROUP", Group);

    public void PlaneSum(DeviceBuffer x, DeviceBuffer y, int planes, int hw, float scale) =>
        PerPlane("plane_sum", x, planes, planes, hw, scale, x, y);

    public void PlaneDot(DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, int planes, int hw) =>
        PerPlane("plane_dot", a, planes, planes, hw, a, b, y);

    public void PlaneMeanStd(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer std, int planes, int hw) =>
        PerPlane("plane_mean_std", x, planes, planes, hw, x, mean, std);

    public void PlaneBroadcast(DeviceBuffer g, DeviceBuffer y, int planes, int hw, float scale) =>
        PerValue("plane_broadcast", y, (long)planes * hw, hw, scale, g, y);

    public void PlaneMultiply(DeviceBuffer x, DeviceBuffer a, DeviceBuffer y, int planes, int hw) =>
        PerValue("plane_multiply", x, (long)planes * hw, hw, x, a, y);

    public void PlaneStdBackward(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer std, DeviceBuffer gstd, DeviceBuffer gx, int planes, int hw) =>
        PerValue("plane_std_backward", x, (long)planes * hw, hw, x, mean, std, gstd, gx);

    /// <summary>One work-group of <see cref="Group"/> per plane.</summary>
    private static void PerPlane(string kernel, DeviceBuffer on, int planes, params ReadOnlySpan<KernelArg> args)
    {
        var k = Launch.Kernels(on);
        k.Launch(k.GetKernel(File, kernel, Defines), LaunchGrid.Linear((long)planes * Group, Group), args);
    }

    /// <summary>One work-item per value; the kernel's first argument is the value count.</summary>
    private static void PerValue(string kernel, DeviceBuffer on, long n, params ReadOnlySpan<KernelArg> rest)
    {
        var k = Launch.Kernels(on);
        k.Launch(k.GetKernel(File, kernel, Defines), LaunchGrid.Linear(n), [n, .. rest]);
    }
}
