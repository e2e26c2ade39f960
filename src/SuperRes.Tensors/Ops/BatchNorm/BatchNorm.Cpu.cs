namespace SuperRes.Tensors.Primitives;

/// <summary>The C# reference: reductions one task per channel (CpuChunks) in double, element-wise loops one task per (image, channel) plane.</summary>
internal sealed class BatchNormCpu : BatchNorm.IBackend
{
    public void Stats(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer var, int batch, int channels, int hw)
    {
        var (xs, means, vars) = (Launch.Array(x), Launch.Array(mean), Launch.Array(var));
        long count = (long)batch * hw;
        CpuChunks.ForEachTask(channels, c =>
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

    public void UpdateRunning(DeviceBuffer mean, DeviceBuffer var, DeviceBuffer runningMean, DeviceBuffer runningVar, int channels, int count, float momentum)
    {
        var (means, vars, rm, rv) = (Launch.Array(mean), Launch.Array(var), Launch.Array(runningMean), Launch.Array(runningVar));
        float correction = (float)count / (count - 1);
        for (int c = 0; c < channels; c++)
        {
            rm[c] = (1f - momentum) * rm[c] + momentum * means[c];
            rv[c] = (1f - momentum) * rv[c] + momentum * (vars[c] * correction);
        }
    }

    public void Normalize(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer var, DeviceBuffer weight, DeviceBuffer bias, DeviceBuffer y, int batch, int channels, int hw, float eps)
    {
        var (xs, ys, means, weights, biases) = (Launch.Array(x), Launch.Array(y), Launch.Array(mean), Launch.Array(weight), Launch.Array(bias));
        var scales = InverseStd(var, channels, eps);
        ForEachPlane(batch, channels, (b, c) =>
        {
            float m = means[c], s = scales[c], w = weights[c], shift = biases[c];
            for (long i = Start(b, c, channels, hw), end = i + hw; i < end; i++)
                ys[i] = (xs[i] - m) * s * w + shift;
        });
    }

    public void BackwardReduce(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer var, DeviceBuffer gy, DeviceBuffer sumGy, DeviceBuffer sumGyXhat, int batch, int channels, int hw, float eps)
    {
        var (xs, gys, means, sums, dots) = (Launch.Array(x), Launch.Array(gy), Launch.Array(mean), Launch.Array(sumGy), Launch.Array(sumGyXhat));
        var scales = InverseStd(var, channels, eps);
        CpuChunks.ForEachTask(channels, c =>
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

    public void BackwardInputTraining(DeviceBuffer x, DeviceBuffer mean, DeviceBuffer var, DeviceBuffer weight, DeviceBuffer gy, DeviceBuffer sumGy, DeviceBuffer sumGyXhat, DeviceBuffer gx, int batch, int channels, int hw, float eps)
    {
        var (xs, gys, gxs, means, weights) = (Launch.Array(x), Launch.Array(gy), Launch.Array(gx), Launch.Array(mean), Launch.Array(weight));
        var (sums, dots) = (Launch.Array(sumGy), Launch.Array(sumGyXhat));
        var scales = InverseStd(var, channels, eps);
        int count = checked(batch * hw);
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

    public void BackwardInputEvaluation(DeviceBuffer var, DeviceBuffer weight, DeviceBuffer gy, DeviceBuffer gx, int batch, int channels, int hw, float eps)
    {
        var (gys, gxs, weights) = (Launch.Array(gy), Launch.Array(gx), Launch.Array(weight));
        var scales = InverseStd(var, channels, eps);
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
        var vars = Launch.Array(var);
        var result = new float[channels];
        for (int c = 0; c < channels; c++)
            result[c] = 1f / MathF.Sqrt(vars[c] + eps);
        return result;
    }

    private static void ForEachPlane(int batch, int channels, Action<int, int> body) =>
        CpuChunks.ForEachTask(batch * channels, p => body(p / channels, p % channels));
}
