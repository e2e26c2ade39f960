// Batch normalisation over NCHW tensors, per channel c over the batch·hw values (b, c, j) at (b·channels + c)·hw + j.
// Per-channel reductions run one work-group per channel (group index = channel), through channel_stats.h and
// reduce.h; a group returns early only as a whole. GROUP is the work-group size, a power of two, tuned per count
// of values per channel (BatchNormTuning). `mean` and `var` are the statistics the normalisation used: the batch's
// in training, the running ones in evaluation.
// @config GROUP=256
// @config(cpu) GROUP=32

#include "channel_stats.h"

// Batch mean and biased variance of each channel.
KERNEL void bn_stats(const int batch, const int channels, const int hw, GLOBAL const float* x, GLOBAL float* mean, GLOBAL float* var)
{
    LOCAL float scratch[GROUP];
    const int c = GROUP_ID_X;
    const int lid = LOCAL_ID_X;
    if (c >= channels) return;
    float m, v;
    channel_mean_var(scratch, x, batch, channels, hw, c, GROUP, lid, &m, &v);
    if (lid == 0)
    {
        mean[c] = m;
        var[c] = v;
    }
}

// running = (1 − momentum)·running + momentum·batch, with the unbiased variance (count / (count − 1)) for
// running_var, as PyTorch does. count > 1.
KERNEL void bn_update_running(const int channels, const int count, const float momentum, GLOBAL const float* mean, GLOBAL const float* var, GLOBAL float* running_mean, GLOBAL float* running_var)
{
    const int c = GLOBAL_ID_X;
    if (c >= channels) return;
    const float unbiased = var[c] * ((float)count / (float)(count - 1));
    running_mean[c] = (1.0f - momentum) * running_mean[c] + momentum * mean[c];
    running_var[c] = (1.0f - momentum) * running_var[c] + momentum * unbiased;
}

// y = (x − mean)/sqrt(var + eps)·weight + bias
KERNEL void bn_normalize(const int n, const int channels, const int hw, const float eps, GLOBAL const float* x, GLOBAL const float* mean, GLOBAL const float* var, GLOBAL const float* weight, GLOBAL const float* bias, GLOBAL float* y)
{
    const int i = GLOBAL_ID_X;
    if (i >= n) return;
    const int c = channel_of(i, channels, hw);
    y[i] = (x[i] - mean[c]) * rsqrtf(var[c] + eps) * weight[c] + bias[c];
}

// Per channel: sum_gy = Σ gy (the bias gradient) and sum_gy_xhat = Σ gy·x̂ (the weight gradient),
// x̂ = (x − mean)/sqrt(var + eps).
KERNEL void bn_backward_reduce(const int batch, const int channels, const int hw, const float eps, GLOBAL const float* x, GLOBAL const float* mean, GLOBAL const float* var, GLOBAL const float* gy, GLOBAL float* sum_gy, GLOBAL float* sum_gy_xhat)
{
    LOCAL float scratch[GROUP];
    const int c = GROUP_ID_X;
    const int lid = LOCAL_ID_X;
    if (c >= channels) return;
    const float m = mean[c];
    float acc_gy = 0.0f, acc_gy_centred = 0.0f;
    for (int k = lid; k < batch * hw; k += GROUP)
    {
        const int i = channel_index(k, c, channels, hw);
        acc_gy += gy[i];
        acc_gy_centred += gy[i] * (x[i] - m);
    }
    const float total_gy = group_sum(scratch, acc_gy, GROUP, lid);
    const float total_gy_centred = group_sum(scratch, acc_gy_centred, GROUP, lid);
    if (lid == 0)
    {
        sum_gy[c] = total_gy;
        sum_gy_xhat[c] = total_gy_centred * rsqrtf(var[c] + eps);
    }
}

// Training-mode input gradient, where mean and var depend on x:
// gx = weight/sqrt(var + eps) · (gy − Σgy/count − x̂·Σ(gy·x̂)/count)
KERNEL void bn_backward_input_train(const int n, const int channels, const int hw, const int count, const float eps, GLOBAL const float* x, GLOBAL const float* mean, GLOBAL const float* var, GLOBAL const float* weight, GLOBAL const float* gy, GLOBAL const float* sum_gy, GLOBAL const float* sum_gy_xhat, GLOBAL float* gx)
{
    const int i = GLOBAL_ID_X;
    if (i >= n) return;
    const int c = channel_of(i, channels, hw);
    const float inv_std = rsqrtf(var[c] + eps);
    const float xhat = (x[i] - mean[c]) * inv_std;
    gx[i] = weight[c] * inv_std * (gy[i] - (sum_gy[c] + xhat * sum_gy_xhat[c]) / (float)count);
}

// Evaluation-mode input gradient (an affine map of x): gx = gy · weight/sqrt(var + eps)
KERNEL void bn_backward_input_eval(const int n, const int channels, const int hw, const float eps, GLOBAL const float* var, GLOBAL const float* weight, GLOBAL const float* gy, GLOBAL float* gx)
{
    const int i = GLOBAL_ID_X;
    if (i >= n) return;
    const int c = channel_of(i, channels, hw);
    gx[i] = gy[i] * weight[c] * rsqrtf(var[c] + eps);
}
