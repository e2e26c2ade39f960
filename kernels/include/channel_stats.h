// Per-channel statistics of NCHW tensors, one work-group per channel (see reduce.h for the calling rules).
#include "index.h"
#include "reduce.h"

// Σ of the batch·hw values of channel c.
DEVICE_FN float channel_sum(LOCAL_PTR float* scratch, GLOBAL const float* x, const int batch, const int channels, const int hw,
                            const int c, const int size, const int lid)
{
    float acc = 0.0f;
    for (int k = lid; k < batch * hw; k += size)
        acc += x[channel_index(k, c, channels, hw)];
    return group_sum(scratch, acc, size, lid);
}

// Mean and biased variance of the batch·hw values of channel c, in two passes: centring before squaring
// avoids the cancellation of Σx² − count·mean².
DEVICE_FN void channel_mean_var(LOCAL_PTR float* scratch, GLOBAL const float* x, const int batch, const int channels, const int hw,
                                const int c, const int size, const int lid, float* mean, float* var)
{
    const int count = batch * hw;
    const float m = channel_sum(scratch, x, batch, channels, hw, c, size, lid) / (float)count;
    float acc = 0.0f;
    for (int k = lid; k < count; k += size)
    {
        const float d = x[channel_index(k, c, channels, hw)] - m;
        acc += d * d;
    }
    *mean = m;
    *var = group_sum(scratch, acc, size, lid) / (float)count;
}
