// Adaptive average pooling (PyTorch's nn.AdaptiveAvgPool2d((ho, wo))), NCHW, on planes of h×w values: output
// (i, j) is the mean of rows [⌊i·h/ho⌋, ⌈(i+1)·h/ho⌉) × columns [⌊j·w/wo⌋, ⌈(j+1)·w/wo⌉), bins that may overlap
// when the sizes do not divide. The backward gathers: each input value adds gy / (bin area) of every bin that
// contains it, in bin order, so no atomics.

DEVICE_FN int bin_start(const int i, const int size, const int bins) { return i * size / bins; }

DEVICE_FN int bin_end(const int i, const int size, const int bins) { return ((i + 1) * size + bins - 1) / bins; }

// One work-item per output value.
KERNEL void adaptive_avg_pool2d(const int n, const int h, const int w, const int ho, const int wo, GLOBAL const float* x, GLOBAL float* y)
{
    const int o = GLOBAL_ID_X;
    if (o >= n) return;
    const int j = o % wo, i = (o / wo) % ho, p = o / (wo * ho);
    const int r0 = bin_start(i, h, ho), r1 = bin_end(i, h, ho), c0 = bin_start(j, w, wo), c1 = bin_end(j, w, wo);
    GLOBAL const float* plane = x + p * h * w;
    float sum = 0.0f;
    for (int r = r0; r < r1; r++)
        for (int c = c0; c < c1; c++)
            sum += plane[r * w + c];
    y[o] = sum / (float)((r1 - r0) * (c1 - c0));
}

// One work-item per input value: gx = Σ gy[bin] / area(bin) over the bins that contain it.
KERNEL void adaptive_avg_pool2d_backward(const int n, const int h, const int w, const int ho, const int wo,
                                         GLOBAL const float* gy, GLOBAL float* gx)
{
    const int at = GLOBAL_ID_X;
    if (at >= n) return;
    const int c = at % w, r = (at / w) % h, p = at / (w * h);
    // Bins i with start(i) ≤ r < end(i) lie in [⌊r·ho/h⌋, ⌈(r+1)·ho/h⌉ − 1]; the test below keeps exactly them.
    const int i0 = r * ho / h, i1 = min(((r + 1) * ho + h - 1) / h - 1, ho - 1);
    const int j0 = c * wo / w, j1 = min(((c + 1) * wo + w - 1) / w - 1, wo - 1);
    float g = 0.0f;
    for (int i = i0; i <= i1; i++)
    {
        const int r0 = bin_start(i, h, ho), r1 = bin_end(i, h, ho);
        if (r < r0 || r >= r1) continue;
        for (int j = j0; j <= j1; j++)
        {
            const int c0 = bin_start(j, w, wo), c1 = bin_end(j, w, wo);
            if (c < c0 || c >= c1) continue;
            g += gy[(p * ho + i) * wo + j] / (float)((r1 - r0) * (c1 - c0));
        }
    }
    gx[at] = g;
}
