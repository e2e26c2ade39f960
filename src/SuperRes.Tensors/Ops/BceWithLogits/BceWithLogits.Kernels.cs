namespace SuperRes.Tensors.Primitives;

/// <summary>kernels/bce_with_logits.cl on CUDA and OpenCL: the partial sums of the loss, then reduce.cl's second pass, shaped by <see cref="ReducePlan"/>.</summary>
internal sealed class BceWithLogitsKernels : BceWithLogits.IBackend
{
    private const string File = "bce_with_logits.cl";

    public void Mean(DeviceBuffer x, DeviceBuffer t, long n, DeviceBuffer result)
    {
        var k = Launch.Kernels(x);
        var plan = ReducePlan.For(k, n);
        using var partial = k.Allocate(plan.Groups);
        k.Launch(k.GetKernel(File, "bce_logits_partial", plan.Defines), plan.FirstPass, n, 1f / n, x, t, partial);
        ReduceKernels.SumPartials(k, plan, partial, n, result);
    }

    public void LogitsBackward(DeviceBuffer x, DeviceBuffer t, DeviceBuffer gy, DeviceBuffer gx, long n) =>
        Launch.PerElement(File, "bce_logits_backward", ReduceKernels.Defines, x, n, 1f / n, x, t, gy, gx);

    public void TargetBackward(DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gt, long n) =>
        Launch.PerElement(File, "bce_logits_target_backward", ReduceKernels.Defines, x, n, 1f / n, x, gy, gt);
}
