using SuperRes.Runtime.Tuning;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// kernels/pooling.cl on CUDA and OpenCL: one work-group per plane for the reductions, one work-item per value for
/// the broadcasts. Every launch of one plane size uses its class's parameters (<see cref="PoolingTuning"/>), so the
/// reductions and the broadcasts share a program.
/// </summary>
internal sealed class PoolingKernels : Pooling.IBackend
{
    private const string File = PoolingTuning.File;

    public void PlaneSum(DeviceBuffer x, DeviceBuffer y, int planes, int hw, float scale) =>
        PlaneSum(x, y, planes, hw, scale, PoolingTuning.Parameters(Launch.Kernels(x), hw));

    /// <summary>The plane sums with explicit parameters (<see cref="PoolingTuning"/>).</summary>
    internal static void PlaneSum(DeviceBuffer x, DeviceBuffer y, int planes, int hw, float scale, KernelDefines parameters) =>
        PerPlane("plane_sum", x, planes, parameters, planes, hw, scale, x, y);

    public void PlaneDot(DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, int planes, int hw) =>
        PerPlane("plane_dot", a, planes, PoolingTuning.Parameters(Launch.Kernels(a), hw), planes, hw, a, b, y);

    public void PlaneMeanStd(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer std, int planes, int hw) =>
        PerPlane("plane_mean_std", x, planes, PoolingTuning.Parameters(Launch.Kernels(x), hw), planes, hw, x, mean, std);

    public void PlaneBroadcast(DeviceBuffer g, DeviceBuffer y, int planes, int hw, float scale) =>
        PerValue("plane_broadcast", y, (long)planes * hw, hw, scale, g, y);

    public void PlaneMultiply(DeviceBuffer x, DeviceBuffer a, DeviceBuffer y, int planes, int hw) =>
        PerValue("plane_multiply", x, (long)planes * hw, hw, x, a, y);

    public void PlaneStdBackward(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer std, DeviceBuffer gstd, DeviceBuffer gx, int planes, int hw) =>
        PerValue("plane_std_backward", x, (long)planes * hw, hw, x, mean, std, gstd, gx);

    /// <summary>One work-group of GROUP work-items per plane.</summary>
    private static void PerPlane(string kernel, DeviceBuffer on, int planes, KernelDefines parameters, params ReadOnlySpan<KernelArg> args)
    {
        var k = Launch.Kernels(on);
        int group = TuningSpace.Value(parameters, "GROUP");
        k.Launch(k.GetKernel(File, kernel, parameters), LaunchGrid.Linear((long)planes * group, group), args);
    }

    /// <summary>One work-item per value; the kernel's first argument is the value count, the second the plane size.</summary>
    private static void PerValue(string kernel, DeviceBuffer on, long n, int hw, params ReadOnlySpan<KernelArg> rest)
    {
        var k = Launch.Kernels(on);
        k.Launch(k.GetKernel(File, kernel, PoolingTuning.Parameters(k, hw)), LaunchGrid.Linear(n), [n, hw, .. rest]);
    }
}
