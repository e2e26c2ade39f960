namespace SuperRes.Tensors.Primitives;

/// <summary>kernels/batch_norm.cl on CUDA and OpenCL: one work-group per channel for the reductions, one work-item per value otherwise.</summary>
internal sealed class BatchNormKernels : BatchNorm.IBackend
{
    private const string File = "batch_norm.cl";
    private const int Group = 256;
    private static readonly KernelDefines Defines = new KernelDefines().With("GROUP", Group);

    public void Stats(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer var, int batch, int channels, int hw) =>
        Run("bn_stats", x, PerChannel(channels), batch, channels, hw, x, mean, var);

    public void UpdateRunning(DeviceBuffer mean, DeviceBuffer var, DeviceBuffer runningMean, DeviceBuffer runningVar, int channels, int count, float momentum) =>
        Run("bn_update_running", mean, LaunchGrid.Linear(channels), channels, count, momentum, mean, var, runningMean, runningVar);

    public void Normalize(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer var, DeviceBuffer weight, DeviceBuffer bias, DeviceBuffer y, int batch, int channels, int hw, float eps)
    {
        long n = (long)batch * channels * hw;
        Run("bn_normalize", x, LaunchGrid.Linear(n), n, channels, hw, eps, x, mean, var, weight, bias, y);
    }

    public void BackwardReduce(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer var, DeviceBuffer gy, DeviceBuffer sumGy, DeviceBuffer sumGyXhat, int batch, int channels, int hw, float eps) =>
        Run("bn_backward_reduce", x, PerChannel(channels), batch, channels, hw, eps, x, mean, var, gy, sumGy, sumGyXhat);

    public void BackwardInputTraining(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer var, DeviceBuffer weight, DeviceBuffer gy, DeviceBuffer sumGy, DeviceBuffer sumGyXhat, DeviceBuffer gx, int batch, int channels, int hw, float eps)
    {
        long n = (long)batch * channels * hw;
        Run("bn_backward_input_train", x, LaunchGrid.Linear(n), n, channels, hw, checked(batch * hw), eps, x, mean, var, weight, gy, sumGy, sumGyXhat, gx);
    }

    public void BackwardInputEvaluation(DeviceBuffer var, DeviceBuffer weight, DeviceBuffer gy, DeviceBuffer gx, int batch, int channels, int hw, float eps)
    {
        long n = (long)batch * channels * hw;
        Run("bn_backward_input_eval", gy, LaunchGrid.Linear(n), n, channels, hw, eps, var, weight, gy, gx);
    }

    private static LaunchGrid PerChannel(int channels) => LaunchGrid.Linear((long)channels * Group, Group);

    private static void Run(string kernel, DeviceBuffer on, LaunchGrid grid, params ReadOnlySpan<KernelArg> args)
    {
        var k = Launch.Kernels(on);
        k.Launch(k.GetKernel(File, kernel, Defines), grid, args);
    }
}
