// Batch normalisation over NCHW tensors, per channel c over the batch·hw values (b, c, j) at (b·channels + c)·hw + j.
// Per-channel reductions run one work-group per channel (group index = channel): each work-item folds a strided
// share of the channel's values, then a tree in local memory; the order is fixed, so results are deterministic.
// A group returns early only as a whole, so no barrier is left half-reached. GROUP is the work-group size, a
// power of two. `mean` and `var` are the statistics the normalisation used: the batch's in training, the running
// ones in evaluation.
// @config GROUP=256

// Sums scratch[0..GROUP) into scratch[0], visible to the whole group afterwards. Every work-item must reach it.
#define GROUP_SUM(scratch, lid)                                      \
    for (int stride = GROUP / 2; stride > 0; stride >>= 1)           \
    {                                                                \
        BARRIER();                                                   \
        if ((lid) < stride) (scratch)[lid] += (scratch)[(lid) + stride]; \
    }                                                                \
    BARRIER()

// Flat index of the k-th value (k < batch·hw) of channel c.
DEVICE_FN int channel_index(const int k, const int c, const int channels, const int hw)
{
    const int b = k / hw;
    return (b * channels + c) * hw + (k - b * hw);
}

// Batch mean and biased variance of each channel, in two passes (centring before squaring avoids the
// cancellation of Σx² − count·mean²).
KERNEL void bn_stats(const int batch, const int channels, const int hw, GLOBAL const float* x, GLOBAL float* mean, GLOBAL float* var)
{
    LOCAL float scratch[GROUP];
    const int c = GROUP_ID_X;
    const int lid = LOCAL_ID_X;
    if (c >= channels) return;
    const int count = batch * hw;
    float acc = 0.0f;
    for (int k = lid; k < count; k += GROUP)
        acc += x[channel_index(k, c, channels, hw)];
    scratch[lid] = acc;
    GROUP_SUM(scratch, lid);
    const float m = scratch[0] / (float)count;
    BARRIER();
    acc = 0.0f;
    for (int k = lid; k < count; k += GROUP)
    {
        const float d = x[channel_index(k, c, channels, hw)] - m;
        acc += d * d;
    }
    scratch[lid] = acc;
    GROUP_SUM(scratch, lid);
    if (lid == 0)
    {
        mean[c] = m;
        var[c] = scratch[0] / (float)count;
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
    const int c = (i / hw) % channels;
    y[i] = (x[i] - mean[c]) * rsqrtf(var[c] + eps) * weight[c] + bias[c];
}

// Per channel: sum_gy = Σ gy (the bias gradient) and sum_gy_xhat = Σ gy·x̂ (the weight gradient),
// x̂ = (x − mean)/sqrt(var + eps).
KERNEL void bn_backward_reduce(const int batch, const int channels, const int hw, const float eps, GLOBAL const float* x, GLOBAL const float* mean, GLOBAL const float* var, GLOBAL const float* gy, GLOBAL float* sum_gy, GLOBAL float* sum_gy_xhat)
{
    LOCAL float scratch_gy[GROUP];
    LOCAL float scratch_gy_xhat[GROUP];
    const int c = GROUP_ID_X;
    const int lid = LOCAL_ID_X;
    if (c >= channels) return;
    const int count = batch * hw;
    const float m = mean[c];
    float acc_gy = 0.0f, acc_gy_centred = 0.0f;
    for (int k = lid; k < count; k += GROUP)
    {
        const int i = channel_index(k, c, channels, hw);
        acc_gy += gy[i];
        acc_gy_centred += gy[i] * (x[i] - m);
    }
    scratch_gy[lid] = acc_gy;
    scratch_gy_xhat[lid] = acc_gy_centred;
    GROUP_SUM(scratch_gy, lid);
    GROUP_SUM(scratch_gy_xhat, lid);
    if (lid == 0)
    {
        sum_gy[c] = scratch_gy[0];
        sum_gy_xhat[c] = scratch_gy_xhat[0] * rsqrtf(var[c] + eps);
    }
}

// Training-mode input gradient, where mean and var depend on x:
// gx = weight/sqrt(var + eps) · (gy − Σgy/count − x̂·Σ(gy·x̂)/count)
KERNEL void bn_backward_input_train(const int n, const int channels, const int hw, const int count, const float eps, GLOBAL const float* x, GLOBAL const float* mean, GLOBAL const float* var, GLOBAL const float* weight, GLOBAL const float* gy, GLOBAL const float* sum_gy, GLOBAL const float* sum_gy_xhat, GLOBAL float* gx)
{
    const int i = GLOBAL_ID_X;
    if (i >= n) return;
    const int c = (i / hw) % channels;
    const float inv_std = rsqrtf(var[c] + eps);
    const float xhat = (x[i] - mean[c]) * inv_std;
    gx[i] = weight[c] * inv_std * (gy[i] - (sum_gy[c] + xhat * sum_gy_xhat[c]) / (float)count);
}

// Evaluation-mode input gradient (an affine map of x): gx = gy · weight/sqrt(var + eps)
KERNEL void bn_backward_input_eval(const int n, const int channels, const int hw, const float eps, GLOBAL const float* var, GLOBAL const float* weight, GLOBAL const float* gy, GLOBAL float* gx)
{
    const int i = GLOBAL_ID_X;
    if (i >= n) return;
    const int c = (i / hw) % channels;
    gx[i] = gy[i] * weight[c] * rsqrtf(var[c] + eps);
}
