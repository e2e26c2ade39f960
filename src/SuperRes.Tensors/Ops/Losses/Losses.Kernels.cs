namespace SuperRes.Tensors.Primitives;

/// <summary>kernels/losses.cl on CUDA and OpenCL: the partial sums of a loss, then reduce.cl's second pass.</summary>
internal sealed class LossesKernels : Losses.IBackend
{
    private const string File = "losses.cl";

    public void Mean(Losses.Kind kind, DeviceBuffer p, DeviceBuffer t, long n, DeviceBuffer result)
    {
        var k = Launch.Kernels(p);
        long groups = ReduceKernels.Groups(n);
        using var partial = k.Allocate(groups);
        k.Launch(k.GetKernel(File, Losses.PartialName(kind), ReduceKernels.Defines), LaunchGrid.Linear(groups * ReduceKernels.Group, ReduceKernels.Group), n, 1f / n, p, t, partial);
        ReduceKernels.SumPartials(k, partial, groups, n, result);
    }

    public void Backward(Losses.Kind kind, float scale, DeviceBuffer p, DeviceBuffer t, DeviceBuffer gy, DeviceBuffer gp, long n) =>
        Launch.PerElement(File, Losses.BackwardName(kind), ReduceKernels.Defines, p, n, scale, p, t, gy, gp);
}
