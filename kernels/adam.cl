// The optimiser's device work: the fused Adam update (one pass over a parameter tensor updates the first and
// second moments and the parameter), and the global gradient norm for clipping, reduced on the device.
//
// adam_step follows torch.optim.Adam (single-tensor path) operation by operation, in float:
//   g  = grad·gscale[0]                        (gscale: the clipping coefficient, 1 without clipping)
//   g  = g + weight_decay·p                    (L2 added to the gradient; skipped when weight_decay = 0)
//   m  = beta1·m + (1 − beta1)·g
//   v  = beta2·v + (1 − beta2)·g·g
//   p  = p − step_size·m / (√v / bc2_sqrt + eps)
// with the bias corrections computed on the host in double from the parameter's step count, as PyTorch does:
// step_size = lr / (1 − beta1^t), bc2_sqrt = √(1 − beta2^t).
//
// Gradient norm: sum_squares_partial + sum_into add Σ x² of one tensor into slot `slot` of a per-parameter
// buffer (two passes in a fixed order, so the result is deterministic), clip_coefficient folds the slots into
// the global norm and writes coef = min(1, max_norm / (norm + 1e-6)) (torch.nn.utils.clip_grad_norm_).
// GROUP is the work-group size, a power of two, tuned with the first pass's group count (AdamNormTuning).
// @config GROUP=256

#include "reduce.h"

KERNEL void adam_step(const int n, GLOBAL float* p, GLOBAL const float* grad, GLOBAL float* m, GLOBAL float* v,
                      GLOBAL const float* gscale, const float step_size, const float beta1, const float one_minus_beta1,
                      const float beta2, const float one_minus_beta2, const float bc2_sqrt, const float eps,
                      const float weight_decay)
{
    const int i = GLOBAL_ID_X;
    if (i >= n) return;
    const float pi = p[i];
    float g = grad[i] * gscale[0];
    if (weight_decay != 0.0f) g = g + weight_decay * pi;
    const float mi = beta1 * m[i] + one_minus_beta1 * g;
    const float vi = beta2 * v[i] + one_minus_beta2 * g * g;
    m[i] = mi;
    v[i] = vi;
    const float denom = sqrtf(vi) / bc2_sqrt + eps;
    p[i] = pi - step_size * mi / denom;
}

KERNEL void sum_squares_partial(const int n, GLOBAL const float* x, GLOBAL float* partial)
{
    LOCAL float scratch[GROUP];
    float acc = 0.0f;
    for (int i = GLOBAL_ID_X; i < n; i += NUM_GROUPS_X * GROUP)
        acc += x[i] * x[i];
    store_group_partial(scratch, acc, 1.0f, partial, GROUP);
}

// One group: result[slot] = Σ partial[0..n).
KERNEL void sum_into(const int n, GLOBAL const float* partial, GLOBAL float* result, const int slot)
{
    LOCAL float scratch[GROUP];
    const float sum = group_sum_range(scratch, partial, n, GROUP, LOCAL_ID_X);
    if (LOCAL_ID_X == 0) result[slot] = sum;
}

// One group: norm = √Σ sums[0..count); out[0] = min(1, max_norm / (norm + 1e-6)), out[1] = norm.
KERNEL void clip_coefficient(const int count, GLOBAL const float* sums, const float max_norm, GLOBAL float* out)
{
    LOCAL float scratch[GROUP];
    const float norm = sqrtf(group_sum_range(scratch, sums, count, GROUP, LOCAL_ID_X));
    if (LOCAL_ID_X == 0)
    {
        out[0] = fminf(1.0f, max_norm / (norm + 1e-6f));
        out[1] = norm;
    }
}
