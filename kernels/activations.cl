// Activation kernels: element-wise forwards and backwards, and PReLU's slope gradient as a reduction.
// PReLU addresses its slope as (i / plane) % slopes: slopes = C and plane = H·W for one slope per channel,
// slopes = 1 for one shared slope.
// GROUP is the work-group size of the slope reduction, a power of two, tuned with the number of chunks per slope
// (PreluSlopeTuning).
// @config GROUP=256

#include "index.h"
#include "reduce.h"

KERNEL void leaky_relu(const int n, const float slope, GLOBAL const float* x, GLOBAL float* y)
{
    const int i = GLOBAL_ID_X;
    if (i < n)
    {
        const float v = x[i];
        y[i] = v > 0.0f ? v : slope * v;
    }
}

KERNEL void leaky_relu_backward(const int n, const float slope, GLOBAL const float* x, GLOBAL const float* gy, GLOBAL float* gx)
{
    const int i = GLOBAL_ID_X;
    if (i < n) gx[i] = x[i] > 0.0f ? gy[i] : slope * gy[i];
}

KERNEL void prelu(const int n, const int slopes, const int plane, GLOBAL const float* x, GLOBAL const float* slope, GLOBAL float* y)
{
    const int i = GLOBAL_ID_X;
    if (i < n)
    {
        const float v = x[i];
        y[i] = v > 0.0f ? v : slope[channel_of(i, slopes, plane)] * v;
    }
}

KERNEL void prelu_backward(const int n, const int slopes, const int plane, GLOBAL const float* x, GLOBAL const float* slope,
                           GLOBAL const float* gy, GLOBAL float* gx)
{
    const int i = GLOBAL_ID_X;
    if (i < n) gx[i] = x[i] > 0.0f ? gy[i] : slope[channel_of(i, slopes, plane)] * gy[i];
}

// First pass of the slope gradient Σ x·gy over the elements with x ≤ 0. The `count` = batch·plane elements
// of slope s (group X index) are split across the chunks (group Y index); each group sums its share
// into partial[s·chunks + chunk]. With one chunk that is the gradient itself.
KERNEL void prelu_slope_partial(const int count, const int slopes, const int plane, GLOBAL const float* x,
                                GLOBAL const float* gy, GLOBAL float* partial)
{
    LOCAL float scratch[GROUP];
    const int lid = LOCAL_ID_X;
    const int s = GROUP_ID_X;
    const int chunks = NUM_GROUPS_Y;
    float acc = 0.0f;
    for (int j = GROUP_ID_Y * GROUP + lid; j < count; j += chunks * GROUP)
    {
        const int i = channel_index(j, s, slopes, plane);
        const float v = x[i];
        if (v <= 0.0f) acc += v * gy[i];
    }
    const float sum = group_sum(scratch, acc, GROUP, lid);
    if (lid == 0) partial[s * chunks + GROUP_ID_Y] = sum;
}

// Second pass: sums[r] = Σ of row r of a rows × cols matrix, one group per row.
KERNEL void sum_rows(const int cols, GLOBAL const float* x, GLOBAL float* sums)
{
    LOCAL float scratch[GROUP];
    const int r = GROUP_ID_X;
    const float sum = group_sum_range(scratch, x + r * cols, cols, GROUP, LOCAL_ID_X);
    if (LOCAL_ID_X == 0) sums[r] = sum;
}

KERNEL void sigmoid(const int n, GLOBAL const float* x, GLOBAL float* y)
{
    const int i = GLOBAL_ID_X;
    if (i < n) y[i] = 1.0f / (1.0f + expf(-x[i]));
}

// From the forward output: dσ/dx = σ·(1 − σ).
KERNEL void sigmoid_backward(const int n, GLOBAL const float* y, GLOBAL const float* gy, GLOBAL float* gx)
{
    const int i = GLOBAL_ID_X;
    if (i < n) gx[i] = gy[i] * y[i] * (1.0f - y[i]);
}

KERNEL void tanh_forward(const int n, GLOBAL const float* x, GLOBAL float* y)
{
    const int i = GLOBAL_ID_X;
    if (i < n) y[i] = tanhf(x[i]);
}

// From the forward output: d tanh/dx = 1 − tanh².
KERNEL void tanh_backward(const int n, GLOBAL const float* y, GLOBAL const float* gy, GLOBAL float* gx)
{
    const int i = GLOBAL_ID_X;
    if (i < n) gx[i] = gy[i] * (1.0f - y[i] * y[i]);
}
