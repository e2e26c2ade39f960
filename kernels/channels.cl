// Channel-range copies and per-channel affine maps on NCHW tensors; one work-item per element.
// A channel range of one sample is contiguous, so a range of every sample is `batch` blocks of
// `block` = channels·H·W elements, `stride` apart, starting `offset` elements into each sample.

#include "index.h"

// Where element i of the range lies in a tensor whose samples are `stride` apart.
DEVICE_FN int range_index(const int i, const int block, const int stride, const int offset)
{
    const int b = i / block;
    return b * stride + offset + (i - b * block);
}

KERNEL void copy_channels(const int n, const int block, const int src_stride, const int src_offset,
                          const int dst_stride, const int dst_offset, GLOBAL const float* src, GLOBAL float* dst)
{
    const int i = GLOBAL_ID_X;
    if (i < n) dst[range_index(i, block, dst_stride, dst_offset)] = src[range_index(i, block, src_stride, src_offset)];
}

// As copy_channels, but adds into dst (gradients of channel slices).
KERNEL void add_channels(const int n, const int block, const int src_stride, const int src_offset,
                         const int dst_stride, const int dst_offset, GLOBAL const float* src, GLOBAL float* dst)
{
    const int i = GLOBAL_ID_X;
    if (i < n) dst[range_index(i, block, dst_stride, dst_offset)] += src[range_index(i, block, src_stride, src_offset)];
}

// y = scale[c]·x + shift[c]
KERNEL void channel_affine(const int n, const int channels, const int plane, GLOBAL const float* x,
                           GLOBAL const float* scale, GLOBAL const float* shift, GLOBAL float* y)
{
    const int i = GLOBAL_ID_X;
    if (i < n)
    {
        const int c = channel_of(i, channels, plane);
        y[i] = scale[c] * x[i] + shift[c];
    }
}

// y = scale[c]·x (channel_affine's backward)
KERNEL void channel_scale(const int n, const int channels, const int plane, GLOBAL const float* x,
                          GLOBAL const float* scale, GLOBAL float* y)
{
    const int i = GLOBAL_ID_X;
    if (i < n) y[i] = scale[channel_of(i, channels, plane)] * x[i];
}
