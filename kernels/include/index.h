// Index helpers for NCHW tensors, stored with one contiguous H·W plane per (n, c): element (n, c, y, x) of a
// tensor of `channels` channels of h×w is at ((n·channels + c)·h + y)·w + x.

DEVICE_FN int nchw_index(const int n, const int c, const int y, const int x, const int channels, const int h, const int w)
{
    return ((n * channels + c) * h + y) * w + x;
}

// Channel of flat element i, with hw = H·W values per plane.
DEVICE_FN int channel_of(const int i, const int channels, const int hw)
{
    return (i / hw) % channels;
}

// Flat index of the k-th value (k < batch·hw) of channel c: a channel's values over the whole batch.
DEVICE_FN int channel_index(const int k, const int c, const int channels, const int hw)
{
    const int n = k / hw;
    return (n * channels + c) * hw + (k - n * hw);
}

// v clamped into [0, size): replicate padding.
DEVICE_FN int clamp_index(const int v, const int size)
{
    return v < 0 ? 0 : (v >= size ? size - 1 : v);
}

// a / b rounded towards −∞ for either sign of a (C division truncates towards zero); b > 0.
DEVICE_FN int floor_div(const int a, const int b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}
