// Binary cross-entropy on logits, mean over n values (PyTorch's binary_cross_entropy_with_logits): per value
//   ℓ(x, t) = max(x, 0) − x·t + log(1 + e^−|x|),
// which never exponentiates a positive number, so it neither overflows nor loses the small terms (log1p). The
// forward is the first pass of reduce.cl's two-pass sum with the term fused in (partial[group], already scaled
// by 1/n); reduce.cl's sum_partial folds the partials. The backwards read the upstream gradient on the device.
// GROUP is the work-group size, a power of two.
// @config GROUP=256

#include "reduce.h"

KERNEL void bce_logits_partial(const int n, const float scale, GLOBAL const float* x, GLOBAL const float* t, GLOBAL float* partial)
{
    LOCAL float scratch[GROUP];
    float acc = 0.0f;
    for (int i = GLOBAL_ID_X; i < n; i += NUM_GROUPS_X * GROUP)
        acc += fmaxf(x[i], 0.0f) - x[i] * t[i] + log1pf(expf(-fabsf(x[i])));
    store_group_partial(scratch, acc, scale, partial, GROUP);
}

// gx = scale·gy[0]·(σ(x) − t), σ from e^−|x| on either side of 0; scale = 1/n.
KERNEL void bce_logits_backward(const int n, const float scale, GLOBAL const float* x, GLOBAL const float* t,
                                GLOBAL const float* gy, GLOBAL float* gx)
{
    const int i = GLOBAL_ID_X;
    if (i >= n) return;
    const float e = expf(-fabsf(x[i]));
    const float sigma = x[i] >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
    gx[i] = scale * gy[0] * (sigma - t[i]);
}

// gt = −scale·gy[0]·x: the loss is linear in the target.
KERNEL void bce_logits_target_backward(const int n, const float scale, GLOBAL const float* x, GLOBAL const float* gy, GLOBAL float* gt)
{
    const int i = GLOBAL_ID_X;
    if (i < n) gt[i] = -scale * gy[0] * x[i];
}
