namespace SuperRes.Tensors.Primitives;

/// <summary>
/// Batch normalisation over NCHW buffers, per channel over its <c>batch</c>·<c>hw</c> values: kernels/batch_norm.cl
/// on CUDA and OpenCL (one work-group per channel for the reductions), C# loops accumulating in double on the Cpu.
/// <c>mean</c> and <c>var</c> are the statistics a normalisation uses: the batch's in training, the running ones
/// in evaluation.
/// </summary>
public static class BatchNorm
{
    /// <summary>The buffer-level operations one backend provides.</summary>
    public interface IBackend
    {
        void Stats(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer var, int batch, int channels, int hw);

        void UpdateRunning(DeviceBuffer mean, DeviceBuffer var, DeviceBuffer runningMean, DeviceBuffer runningVar, int channels, int count, float momentum);

        void Normalize(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer var, DeviceBuffer weight, DeviceBuffer bias, DeviceBuffer y, int batch, int channels, int hw, float eps);

        void BackwardReduce(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer var, DeviceBuffer gy, DeviceBuffer sumGy, DeviceBuffer sumGyXhat, int batch, int channels, int hw, float eps);

        void BackwardInputTraining(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer var, DeviceBuffer weight, DeviceBuffer gy, DeviceBuffer sumGy, DeviceBuffer sumGyXhat, DeviceBuffer gx, int batch, int channels, int hw, float eps);

        void BackwardInputEvaluation(DeviceBuffer var, DeviceBuffer weight, DeviceBuffer gy, DeviceBuffer gx, int batch, int channels, int hw, float eps);
    }

    public static BackendTable<IBackend> Backends { get; } = new BackendTable<IBackend>("batch_norm2d")
        .With(new BatchNormCpu(), BackendKind.Cpu)
        .WithKernels(new BatchNormKernels());

    /// <summary>Per channel: the batch mean and the biased (divide by count) variance.</summary>
    public static void Stats(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer var, int batch, int channels, int hw)
    {
        using var op = OpTimer.Start((batch, channels, hw), static s => new OpCost("bn_stats", OpLabel.Channels(s.batch, s.channels, s.hw), 4.0 * s.batch * s.channels * s.hw, OpCost.F32((long)s.batch * s.channels * s.hw + 2L * s.channels)));
        Backends.For(Check("batch_norm_stats", batch, channels, hw, [x], [mean, var])).Stats(x, mean, var, batch, channels, hw);
    }

    /// <summary>
    /// running = (1 − momentum)·running + momentum·batch statistic, with the unbiased batch variance
    /// (var · count/(count − 1)) for the running variance, as PyTorch does. <paramref name="count"/> &gt; 1.
    /// </summary>
    public static void UpdateRunning(DeviceBuffer mean, DeviceBuffer var, DeviceBuffer runningMean, DeviceBuffer runningVar, int channels, int count, float momentum)
    {
        using var op = OpTimer.Start(channels, static c => new OpCost("bn_update_running", $"C={c}", 7.0 * c, OpCost.F32(6L * c)));
        var device = Launch.SameDevice("batch_norm_update_running", channels, mean, var, runningMean, runningVar);
        Backends.For(device).UpdateRunning(mean, var, runningMean, runningVar, channels, count, momentum);
    }

    /// <summary>y = (x − mean)/sqrt(var + eps)·weight + bias, per channel.</summary>
    public static void Normalize(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer var, DeviceBuffer weight, DeviceBuffer bias, DeviceBuffer y, int batch, int channels, int hw, float eps)
    {
        using var op = OpTimer.Start((batch, channels, hw), static s => new OpCost("bn_normalize", OpLabel.Channels(s.batch, s.channels, s.hw), 4.0 * s.batch * s.channels * s.hw, OpCost.F32(2L * s.batch * s.channels * s.hw + 4L * s.channels)));
        Backends.For(Check("batch_norm", batch, channels, hw, [x, y], [mean, var, weight, bias]))
            .Normalize(x, mean, var, weight, bias, y, batch, channels, hw, eps);
    }

    /// <summary>Per channel: sumGy = Σ gy (the bias gradient) and sumGyXhat = Σ gy·x̂ (the weight gradient), x̂ = (x − mean)/sqrt(var + eps).</summary>
    public static void BackwardReduce(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer var, DeviceBuffer gy, DeviceBuffer sumGy, DeviceBuffer sumGyXhat, int batch, int channels, int hw, float eps)
    {
        using var op = OpTimer.Start((batch, channels, hw), static s => new OpCost("bn_backward_reduce", OpLabel.Channels(s.batch, s.channels, s.hw), 4.0 * s.batch * s.channels * s.hw, OpCost.F32(2L * s.batch * s.channels * s.hw + 4L * s.channels)));
        Backends.For(Check("batch_norm_backward", batch, channels, hw, [x, gy], [mean, var, sumGy, sumGyXhat]))
            .BackwardReduce(x, mean, var, gy, sumGy, sumGyXhat, batch, channels, hw, eps);
    }

    /// <summary>
    /// Training-mode input gradient (mean and var are the batch's, functions of x):
    /// gx = weight/sqrt(var + eps) · (gy − (Σgy + x̂·Σgy·x̂)/count), count = batch·hw.
    /// </summary>
    public static void BackwardInputTraining(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer var, DeviceBuffer weight, DeviceBuffer gy, DeviceBuffer sumGy, DeviceBuffer sumGyXhat, DeviceBuffer gx, int batch, int channels, int hw, float eps)
    {
        using var op = OpTimer.Start((batch, channels, hw), static s => new OpCost("bn_backward_input_train", OpLabel.Channels(s.batch, s.channels, s.hw), 8.0 * s.batch * s.channels * s.hw, OpCost.F32(3L * s.batch * s.channels * s.hw + 5L * s.channels)));
        Backends.For(Check("batch_norm_backward", batch, channels, hw, [x, gy, gx], [mean, var, weight, sumGy, sumGyXhat]))
            .BackwardInputTraining(x, mean, var, weight, gy, sumGy, sumGyXhat, gx, batch, channels, hw, eps);
    }

    /// <summary>Evaluation-mode input gradient (an affine map of x): gx = gy · weight/sqrt(var + eps).</summary>
    public static void BackwardInputEvaluation(DeviceBuffer var, DeviceBuffer weight, DeviceBuffer gy, DeviceBuffer gx, int batch, int channels, int hw, float eps)
    {
        using var op = OpTimer.Start((batch, channels, hw), static s => new OpCost("bn_backward_input_eval", OpLabel.Channels(s.batch, s.channels, s.hw), 2.0 * s.batch * s.channels * s.hw, OpCost.F32(2L * s.batch * s.channels * s.hw + 2L * s.channels)));
        Backends.For(Check("batch_norm_backward", batch, channels, hw, [gy, gx], [var, weight]))
            .BackwardInputEvaluation(var, weight, gy, gx, batch, channels, hw, eps);
    }

    /// <summary>One device for all buffers; the whole-tensor ones hold batch·channels·hw values, the per-channel ones channels.</summary>
    private static Device Check(string op, int batch, int channels, int hw, ReadOnlySpan<DeviceBuffer> whole, ReadOnlySpan<DeviceBuffer> perChannel)
    {
        Launch.SameDevice(op, (long)batch * channels * hw, whole);
        return Launch.SameDevice(op, channels, [whole[0], .. perChannel]);
    }
}
