// Channel-range copies and per-channel affine maps on NCHW tensors; one work-item per element.
// A channel range of one sample is contiguous, so a range of every sample is `batch` blocks of
// `block` = channels·H·W elements, `stride` apart, starting `offset` elements into each sample.

KERNEL void copy_channels(const int n, const int block, const int src_stride, const int src_offset,
                          const int dst_stride, const int dst_offset, GLOBAL const float* src, GLOBAL float* dst)
{
    const int i = GLOBAL_ID_X;
    if (i < n)
    {
        const int b = i / block;
        const int r = i - b * block;
        dst[b * dst_stride + dst_offset + r] = src[b * src_stride + src_offset + r];
    }
}

// As copy_channels, but adds into dst (gradients of channel slices).
KERNEL void add_channels(const int n, const int block, const int src_stride, const int src_offset,
                         const int dst_stride, const int dst_offset, GLOBAL const float* src, GLOBAL float* dst)
{
    const int i = GLOBAL_ID_X;
    if (i < n)
    {
        const int b = i / block;
        const int r = i - b * block;
        dst[b * dst_stride + dst_offset + r] += src[b * src_stride + src_offset + r];
    }
}

// y = scale[c]·x + shift[c] with c = (i / plane) % channels
KERNEL void channel_affine(const int n, const int channels, const int plane, GLOBAL const float* x,
                           GLOBAL const float* scale, GLOBAL const float* shift, GLOBAL float* y)
{
    const int i = GLOBAL_ID_X;
    if (i < n)
    {
        const int c = (i / plane) % channels;
        y[i] = scale[c] * x[i] + shift[c];
    }
}

// y = scale[c]·x (channel_affine's backward)
KERNEL void channel_scale(const int n, const int channels, const int plane, GLOBAL const float* x,
                          GLOBAL const float* scale, GLOBAL float* y)
{
    const int i = GLOBAL_ID_X;
    if (i < n) y[i] = scale[(i / plane) % channels] * x[i];
}
