// Per-plane reductions and broadcasts over NCHW tensors, where a plane is one (n, c) image of hw = H·W
// contiguous values: global average pooling, channel mean/std (IMDN's contrast), channel attention.
// Reductions run one work-group per plane (group index = plane), through reduce.h and channel_stats.h; a group
// returns early only as a whole. GROUP is the work-group size, a power of two.
// @config GROUP=256
// @config(cpu) GROUP=32

#include "channel_stats.h"

// y[p] = scale · Σ_j x[p·hw + j]
KERNEL void plane_sum(const int planes, const int hw, const float scale, GLOBAL const float* x, GLOBAL float* y)
{
    LOCAL float scratch[GROUP];
    const int p = GROUP_ID_X;
    const int lid = LOCAL_ID_X;
    if (p >= planes) return;
    const float sum = group_sum_range(scratch, x + p * hw, hw, GROUP, lid);
    if (lid == 0) y[p] = scale * sum;
}

// y[p] = Σ_j a[p·hw + j] · b[p·hw + j]
KERNEL void plane_dot(const int planes, const int hw, GLOBAL const float* a, GLOBAL const float* b, GLOBAL float* y)
{
    LOCAL float scratch[GROUP];
    const int p = GROUP_ID_X;
    const int lid = LOCAL_ID_X;
    if (p >= planes) return;
    const int base = p * hw;
    float acc = 0.0f;
    for (int j = lid; j < hw; j += GROUP)
        acc += a[base + j] * b[base + j];
    const float sum = group_sum(scratch, acc, GROUP, lid);
    if (lid == 0) y[p] = sum;
}

// mean[p] = Σ x / hw and std[p] = sqrt(Σ (x − mean)² / hw) (population std): a plane is a channel of a batch of one.
KERNEL void plane_mean_std(const int planes, const int hw, GLOBAL const float* x, GLOBAL float* mean, GLOBAL float* std)
{
    LOCAL float scratch[GROUP];
    const int p = GROUP_ID_X;
    const int lid = LOCAL_ID_X;
    if (p >= planes) return;
    float m, v;
    channel_mean_var(scratch, x, 1, planes, hw, p, GROUP, lid, &m, &v);
    if (lid == 0)
    {
        mean[p] = m;
        std[p] = sqrtf(v);
    }
}

// y[i] = scale · g[i / hw]: spreads a per-plane value over its plane (the gradient of a plane mean).
KERNEL void plane_broadcast(const int n, const int hw, const float scale, GLOBAL const float* g, GLOBAL float* y)
{
    const int i = GLOBAL_ID_X;
    if (i < n) y[i] = scale * g[i / hw];
}

// y[i] = x[i] · a[i / hw]: scales every plane by its own factor (channel attention).
KERNEL void plane_multiply(const int n, const int hw, GLOBAL const float* x, GLOBAL const float* a, GLOBAL float* y)
{
    const int i = GLOBAL_ID_X;
    if (i < n) y[i] = x[i] * a[i / hw];
}

// Gradient of the population std: gx[i] = gstd[p] · (x[i] − mean[p]) / (hw · std[p]), and 0 where std[p] = 0
// (a constant plane, where the std is not differentiable). The mean's own dependence on x drops out because
// Σ (x − mean) = 0.
KERNEL void plane_std_backward(const int n, const int hw, GLOBAL const float* x, GLOBAL const float* mean, GLOBAL const float* std, GLOBAL const float* gstd, GLOBAL float* gx)
{
    const int i = GLOBAL_ID_X;
    if (i >= n) return;
    const int p = i / hw;
    const float s = std[p];
    gx[i] = s > 0.0f ? gstd[p] * (x[i] - mean[p]) / ((float)hw * s) : 0.0f;
}
