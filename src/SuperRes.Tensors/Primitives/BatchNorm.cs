namespace SuperRes.Tensors.Primitives;

/// <summary>
/// Batch normalisation over NCHW buffers, per channel over its <c>batch</c>·<c>hw</c> values. On a
/// <see cref="KernelDevice"/> they run kernels/batchnorm.cl (one work-group per channel for the reductions);
/// on the Cpu device the C# loops here are the reference, accumulating in double. <c>mean</c> and <c>var</c>
/// are the statistics a normalisation uses: the batch's in training, the running ones in evaluation.
/// </summary>
public static class BatchNorm
{
    private const string File = "batchnorm.cl";
    private const int Group = 256;
    private static readonly KernelDefines Defines = new KernelDefines().With("GROUP", Group);

    /// <summary>Per channel: the batch mean and the biased (divide by count) variance.</summary>
    public static void Stats(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer var, int batch, int channels, int hw)
    {
        using var op = OpTimer.Start((batch, channels, hw), static s => new OpCost("bn_stats", OpLabel.Channels(s.batch, s.channels, s.hw), 4.0 * s.batch * s.channels * s.hw, OpCost.F32((long)s.batch * s.channels * s.hw + 2L * s.channels)));
        if (Check("batch_norm_stats", batch, channels, hw, [x], [mean, var]) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "bn_stats", Defines), PerChannel(channels), batch, channels, hw, x, mean, var);
            return;
        }
        var xs = x.HostArray!;
        var means = mean.HostArray!;
        var vars = var.HostArray!;
        long count = (long)batch * hw;
        Parallel.For(0, channels, c =>
        {
            double sum = 0;
            for (int b = 0; b < batch; b++)
                for (long i = Start(b, c, channels, hw), end = i + hw; i < end; i++)
                    sum += xs[i];
            double m = sum / count, squares = 0;
            for (int b = 0; b < batch; b++)
                for (long i = Start(b, c, channels, hw), end = i + hw; i < end; i++)
                    squares += (xs[i] - m) * (xs[i] - m);
            means[c] = (float)m;
            vars[c] = (float)(squares / count);
        });
    }

    /// <summary>
    /// running = (1 − momentum)·running + momentum·batch statistic, with the unbiased batch variance
    /// (var · count/(count − 1)) for the running variance, as PyTorch does. <paramref name="count"/> &gt; 1.
    /// </summary>
    public static void UpdateRunning(DeviceBuffer mean, DeviceBuffer var, DeviceBuffer runningMean, DeviceBuffer runningVar, int channels, int count, float momentum)
    {
        using var op = OpTimer.Start(channels, static c => new OpCost("bn_update_running", $"C={c}", 7.0 * c, OpCost.F32(6L * c)));
        if (Launch.SameDevice("batch_norm_update_running", channels, mean, var, runningMean, runningVar) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "bn_update_running", Defines), LaunchGrid.Linear(channels), channels, count, momentum, mean, var, runningMean, runningVar);
            return;
        }
        var means = mean.HostArray!;
        var vars = var.HostArray!;
        var rm = runningMean.HostArray!;
        var rv = runningVar.HostArray!;
        float correction = (float)count / (count - 1);
        for (int c = 0; c < channels; c++)
        {
            rm[c] = (1f - momentum) * rm[c] + momentum * means[c];
            rv[c] = (1f - momentum) * rv[c] + momentum * (vars[c] * correction);
        }
    }

    /// <summary>y = (x − mean)/sqrt(var + eps)·weight + bias, per channel.</summary>
    public static void Normalize(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer var, DeviceBuffer weight, DeviceBuffer bias, DeviceBuffer y, int batch, int channels, int hw, float eps)
    {
        using var op = OpTimer.Start((batch, channels, hw), static s => new OpCost("bn_normalize", OpLabel.Channels(s.batch, s.channels, s.hw), 4.0 * s.batch * s.channels * s.hw, OpCost.F32(2L * s.batch * s.channels * s.hw + 4L * s.channels)));
        long n = (long)batch * channels * hw;
        if (Check("batch_norm", batch, channels, hw, [x, y], [mean, var, weight, bias]) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "bn_normalize", Defines), LaunchGrid.Linear(n), n, channels, hw, eps, x, mean, var, weight, bias, y);
            return;
        }
        var xs = x.HostArray!;
        var ys = y.HostArray!;
        var means = mean.HostArray!;
        var scales = InverseStd(var, channels, eps);
        var weights = weight.HostArray!;
        var biases = bias.HostArray!;
        ForEachPlane(batch, channels, (b, c) =>
        {
            float m = means[c], s = scales[c], w = weights[c], shift = biases[c];
            for (long i = Start(b, c, channels, hw), end = i + hw; i < end; i++)
                ys[i] = (xs[i] - m) * s * w + shift;
        });
    }

    /// <summary>Per channel: sumGy = Σ gy (the bias gradient) and sumGyXhat = Σ gy·x̂ (the weight gradient), x̂ = (x − mean)/sqrt(var + eps).</summary>
    public static void BackwardReduce(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer var, DeviceBuffer gy, DeviceBuffer sumGy, DeviceBuffer sumGyXhat, int batch, int channels, int hw, float eps)
    {
        using var op = OpTimer.Start((batch, channels, hw), static s => new OpCost("bn_backward_reduce", OpLabel.Channels(s.batch, s.channels, s.hw), 4.0 * s.batch * s.channels * s.hw, OpCost.F32(2L * s.batch * s.channels * s.hw + 4L * s.channels)));
        if (Check("batch_norm_backward", batch, channels, hw, [x, gy], [mean, var, sumGy, sumGyXhat]) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "bn_backward_reduce", Defines), PerChannel(channels), batch, channels, hw, eps, x, mean, var, gy, sumGy, sumGyXhat);
            return;
        }
        var xs = x.HostArray!;
        var gys = gy.HostArray!;
        var means = mean.HostArray!;
        var scales = InverseStd(var, channels, eps);
        var sums = sumGy.HostArray!;
        var dots = sumGyXhat.HostArray!;
        Parallel.For(0, channels, c =>
        {
            double sum = 0, centred = 0;
            for (int b = 0; b < batch; b++)
                for (long i = Start(b, c, channels, hw), end = i + hw; i < end; i++)
                {
                    sum += gys[i];
                    centred += (double)gys[i] * (xs[i] - means[c]);
                }
            sums[c] = (float)sum;
            dots[c] = (float)centred * scales[c];
        });
    }

    /// <summary>
    /// Training-mode input gradient (mean and var are the batch's, functions of x):
    /// gx = weight/sqrt(var + eps) · (gy − (Σgy + x̂·Σgy·x̂)/count), count = batch·hw.
    /// </summary>
    public static void BackwardInputTraining(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer var, DeviceBuffer weight, DeviceBuffer gy, DeviceBuffer sumGy, DeviceBuffer sumGyXhat, DeviceBuffer gx, int batch, int channels, int hw, float eps)
    {
        using var op = OpTimer.Start((batch, channels, hw), static s => new OpCost("bn_backward_input_train", OpLabel.Channels(s.batch, s.channels, s.hw), 8.0 * s.batch * s.channels * s.hw, OpCost.F32(3L * s.batch * s.channels * s.hw + 5L * s.channels)));
        long n = (long)batch * channels * hw;
        int count = checked(batch * hw);
        if (Check("batch_norm_backward", batch, channels, hw, [x, gy, gx], [mean, var, weight, sumGy, sumGyXhat]) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "bn_backward_input_train", Defines), LaunchGrid.Linear(n), n, channels, hw, count, eps, x, mean, var, weight, gy, sumGy, sumGyXhat, gx);
            return;
        }
        var xs = x.HostArray!;
        var gys = gy.HostArray!;
        var gxs = gx.HostArray!;
        var means = mean.HostArray!;
        var scales = InverseStd(var, channels, eps);
        var weights = weight.HostArray!;
        var sums = sumGy.HostArray!;
        var dots = sumGyXhat.HostArray!;
        ForEachPlane(batch, channels, (b, c) =>
        {
            float m = means[c], s = scales[c], factor = weights[c] * s;
            for (long i = Start(b, c, channels, hw), end = i + hw; i < end; i++)
            {
                float xhat = (xs[i] - m) * s;
                gxs[i] = factor * (gys[i] - (sums[c] + xhat * dots[c]) / count);
            }
        });
    }

    /// <summary>Evaluation-mode input gradient (an affine map of x): gx = gy · weight/sqrt(var + eps).</summary>
    public static void BackwardInputEvaluation(DeviceBuffer var, DeviceBuffer weight, DeviceBuffer gy, DeviceBuffer gx, int batch, int channels, int hw, float eps)
    {
        using var op = OpTimer.Start((batch, channels, hw), static s => new OpCost("bn_backward_input_eval", OpLabel.Channels(s.batch, s.channels, s.hw), 2.0 * s.batch * s.channels * s.hw, OpCost.F32(2L * s.batch * s.channels * s.hw + 2L * s.channels)));
        long n = (long)batch * channels * hw;
        if (Check("batch_norm_backward", batch, channels, hw, [gy, gx], [var, weight]) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "bn_backward_input_eval", Defines), LaunchGrid.Linear(n), n, channels, hw, eps, var, weight, gy, gx);
            return;
        }
        var gys = gy.HostArray!;
        var gxs = gx.HostArray!;
        var scales = InverseStd(var, channels, eps);
        var weights = weight.HostArray!;
        ForEachPlane(batch, channels, (b, c) =>
        {
            float w = weights[c], s = scales[c];
            for (long i = Start(b, c, channels, hw), end = i + hw; i < end; i++)
                gxs[i] = gys[i] * w * s;
        });
    }

    private static long Start(int b, int c, int channels, int hw) => ((long)b * channels + c) * hw;

    private static float[] InverseStd(DeviceBuffer var, int channels, float eps)
    {
        var vars = var.HostArray!;
        var result = new float[channels];
        for (int c = 0; c < channels; c++)
            result[c] = 1f / MathF.Sqrt(vars[c] + eps);
        return result;
    }

    private static void ForEachPlane(int batch, int channels, Action<int, int> body) =>
        Parallel.For(0, batch * channels, p => body(p / channels, p % channels));

    private static LaunchGrid PerChannel(int channels) => LaunchGrid.Linear((long)channels * Group, Group);

    /// <summary>One device for all buffers; the whole-tensor ones hold batch·channels·hw values, the per-channel ones channels.</summary>
    private static Device Check(string op, int batch, int channels, int hw, ReadOnlySpan<DeviceBuffer> whole, ReadOnlySpan<DeviceBuffer> perChannel)
    {
        Launch.SameDevice(op, (long)batch * channels * hw, whole);
        return Launch.SameDevice(op, channels, [whole[0], .. perChannel]);
    }
}
