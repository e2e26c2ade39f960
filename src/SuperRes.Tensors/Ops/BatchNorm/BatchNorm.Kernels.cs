using SuperRes.Runtime.Tuning;
using SuperRes.Tensors.Tuning;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// kernels/batch_norm.cl on CUDA and OpenCL: one work-group per channel for the reductions, one work-item per value
/// otherwise. Every launch for one count of values per channel uses its class's parameters (<see cref="BatchNormTuning"/>),
/// so the reductions and the element-wise kernels of a layer share a program.
/// </summary>
internal sealed class BatchNormKernels : BatchNorm.IBackend
{
    private const string File = BatchNormTuning.File;

    public void Stats(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer var, int batch, int channels, int hw) =>
        Stats(x, mean, var, batch, channels, hw, Tuned(x, batch, hw));

    /// <summary>The batch statistics with explicit parameters (<see cref="BatchNormTuning"/>).</summary>
    internal static void Stats(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer var, int batch, int channels, int hw, KernelDefines parameters) =>
        PerChannel("bn_stats", x, channels, parameters, batch, channels, hw, x, mean, var);

    public void UpdateRunning(DeviceBuffer mean, DeviceBuffer var, DeviceBuffer runningMean, DeviceBuffer runningVar, int channels, int count, float momentum) =>
        Run("bn_update_running", mean, count, LaunchGrid.Linear(channels), channels, count, momentum, mean, var, runningMean, runningVar);

    public void Normalize(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer var, DeviceBuffer weight, DeviceBuffer bias, DeviceBuffer y, int batch, int channels, int hw, float eps)
    {
        long n = (long)batch * channels * hw;
        Run("bn_normalize", x, (long)batch * hw, LaunchGrid.Linear(n), n, channels, hw, eps, x, mean, var, weight, bias, y);
    }

    public void BackwardReduce(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer var, DeviceBuffer gy, DeviceBuffer sumGy, DeviceBuffer sumGyXhat, int batch, int channels, int hw, float eps) =>
        BackwardReduce(x, mean, var, gy, sumGy, sumGyXhat, batch, channels, hw, eps, Tuned(x, batch, hw));

    /// <summary>The backward's per-channel sums with explicit parameters (<see cref="BatchNormTuning"/>).</summary>
    internal static void BackwardReduce(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer var, DeviceBuffer gy, DeviceBuffer sumGy, DeviceBuffer sumGyXhat,
        int batch, int channels, int hw, float eps, KernelDefines parameters) =>
        PerChannel("bn_backward_reduce", x, channels, parameters, batch, channels, hw, eps, x, mean, var, gy, sumGy, sumGyXhat);

    public void BackwardInputTraining(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer var, DeviceBuffer weight, DeviceBuffer gy, DeviceBuffer sumGy, DeviceBuffer sumGyXhat, DeviceBuffer gx, int batch, int channels, int hw, float eps)
    {
        long n = (long)batch * channels * hw;
        Run("bn_backward_input_train", x, (long)batch * hw, LaunchGrid.Linear(n), n, channels, hw, checked(batch * hw), eps, x, mean, var, weight, gy, sumGy, sumGyXhat, gx);
    }

    public void BackwardInputEvaluation(DeviceBuffer var, DeviceBuffer weight, DeviceBuffer gy, DeviceBuffer gx, int batch, int channels, int hw, float eps)
    {
        long n = (long)batch * channels * hw;
        Run("bn_backward_input_eval", gy, (long)batch * hw, LaunchGrid.Linear(n), n, channels, hw, eps, var, weight, gy, gx);
    }

    private static KernelDefines Tuned(DeviceBuffer on, int batch, int hw) => BatchNormTuning.Parameters(Launch.Kernels(on), (long)batch * hw);

    /// <summary>One work-group of GROUP work-items per channel.</summary>
    private static void PerChannel(string kernel, DeviceBuffer on, int channels, KernelDefines parameters, params ReadOnlySpan<KernelArg> args)
    {
        var k = Launch.Kernels(on);
        int group = TuningSpace.Value(parameters, ReductionGroup.Name);
        k.Launch(k.GetKernel(File, kernel, parameters), LaunchGrid.Linear((long)channels * group, group), args);
    }

    /// <summary>An element-wise kernel, in the program of the class of <paramref name="perChannel"/> values per channel.</summary>
    private static void Run(string kernel, DeviceBuffer on, long perChannel, LaunchGrid grid, params ReadOnlySpan<KernelArg> args)
    {
        var k = Launch.Kernels(on);
        k.Launch(k.GetKernel(File, kernel, BatchNormTuning.Parameters(k, perChannel)), grid, args);
    }
}
