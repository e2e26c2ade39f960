// Mean losses over two equally shaped tensors. The forward is the first pass of reduce.cl's two-pass sum
// with the loss term fused in: each group folds a grid-strided share into partial[group], already scaled
// by 1/n, and reduce.cl's sum_partial folds the partials into the loss. The backwards read the upstream
// gradient from the device (gy[0]), so nothing goes back to the host.
// GROUP is the work-group size, a power of two.
// @config GROUP=256

#include "reduce.h"

// The group's share of scale · Σ |p − t| (squared = 0) or scale · Σ (p − t)² (squared = 1).
DEVICE_FN void loss_partial(LOCAL_PTR float* scratch, const int n, const float scale, GLOBAL const float* p, GLOBAL const float* t,
                            GLOBAL float* partial, const int squared)
{
    float acc = 0.0f;
    for (int i = GLOBAL_ID_X; i < n; i += NUM_GROUPS_X * GROUP)
    {
        const float d = p[i] - t[i];
        acc += squared ? d * d : fabsf(d);
    }
    store_group_partial(scratch, acc, scale, partial, GROUP);
}

KERNEL void l1_partial(const int n, const float scale, GLOBAL const float* p, GLOBAL const float* t, GLOBAL float* partial)
{
    LOCAL float scratch[GROUP];
    loss_partial(scratch, n, scale, p, t, partial, 0);
}

KERNEL void mse_partial(const int n, const float scale, GLOBAL const float* p, GLOBAL const float* t, GLOBAL float* partial)
{
    LOCAL float scratch[GROUP];
    loss_partial(scratch, n, scale, p, t, partial, 1);
}

// gp = scale·gy[0]·sign(p − t) with sign(0) = 0 (PyTorch's convention); scale = 1/n.
KERNEL void l1_backward(const int n, const float scale, GLOBAL const float* p, GLOBAL const float* t,
                        GLOBAL const float* gy, GLOBAL float* gp)
{
    const int i = GLOBAL_ID_X;
    if (i < n)
    {
        const float d = p[i] - t[i];
        const float g = scale * gy[0];
        gp[i] = d > 0.0f ? g : (d < 0.0f ? -g : 0.0f);
    }
}

// gp = scale·gy[0]·(p − t); scale = 2/n.
KERNEL void mse_backward(const int n, const float scale, GLOBAL const float* p, GLOBAL const float* t,
                         GLOBAL const float* gy, GLOBAL float* gp)
{
    const int i = GLOBAL_ID_X;
    if (i < n) gp[i] = scale * gy[0] * (p[i] - t[i]);
}
