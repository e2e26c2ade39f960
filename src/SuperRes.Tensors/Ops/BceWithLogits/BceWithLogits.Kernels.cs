namespace SuperRes.Tensors.Primitives;

/// <summary>kernels/bce_with_logits.cl on CUDA and OpenCL: the partial sums of the loss, then reduce.cl's second pass.</summary>
internal sealed class BceWithLogitsKernels : BceWithLogits.IBackend
{
    private const string File = "bce_with_logits.cl";

    public void Mean(DeviceBuffer x, DeviceBuffer t, long n, DeviceBuffer result)
    {
        var k = Launch.Kernels(x);
        long groups = ReduceKernels.Groups(n);
        using var partial = k.Allocate(groups);
        k.Launch(k.GetKernel(File, "bce_logits_partial", ReduceKernels.Defines), LaunchGrid.Linear(groups * ReduceKernels.Group, ReduceKernels.Group), n, 1f / n, x, t, partial);
        ReduceKernels.SumPartials(k, partial, groups, n, result);
    }

    public void LogitsBackward(DeviceBuffer x, DeviceBuffer t, DeviceBuffer gy, DeviceBuffer gx, long n) =>
        Launch.PerElement(File, "bce_logits_backward", ReduceKernels.Defines, x, n, 1f / n, x, t, gy, gx);

    public void TargetBackward(DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gt, long n) =>
        Launch.PerElement(File, "bce_logits_target_backward", ReduceKernels.Defines, x, n, 1f / n, x, gy, gt);
}
