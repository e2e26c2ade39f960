namespace SuperRes.Tensors.Primitives;

/// <summary>kernels/losses.cl on CUDA and OpenCL: the partial sums of a loss, then reduce.cl's second pass, shaped by <see cref="ReducePlan"/>.</summary>
internal sealed class LossesKernels : Losses.IBackend
{
    private const string File = "losses.cl";

    public void Mean(Losses.Kind kind, DeviceBuffer p, DeviceBuffer t, long n, DeviceBuffer result) =>
        Mean(kind, p, t, n, result, ReduceTuning.Parameters(Launch.Kernels(p), n));

    /// <summary>The mean loss with explicit reduction parameters (<see cref="ReduceTuning"/>).</summary>
    internal static void Mean(Losses.Kind kind, DeviceBuffer p, DeviceBuffer t, long n, DeviceBuffer result, KernelDefines parameters)
    {
        var k = Launch.Kernels(p);
        var plan = ReducePlan.Of(parameters, n);
        using var partial = k.Allocate(plan.Groups);
        k.Launch(k.GetKernel(File, Losses.PartialName(kind), plan.Defines), plan.FirstPass, n, 1f / n, p, t, partial);
        ReduceKernels.SumPartials(k, plan, partial, n, result);
    }

    public void Backward(Losses.Kind kind, float scale, DeviceBuffer p, DeviceBuffer t, DeviceBuffer gy, DeviceBuffer gp, long n) =>
        Launch.PerElement(File, Losses.BackwardName(kind), ReduceKernels.Defines, p, n, scale, p, t, gy, gp);
}
