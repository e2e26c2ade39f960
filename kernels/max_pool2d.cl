// Max pooling over K×K windows with stride S, no padding, floor mode (PyTorch's nn.MaxPool2d(K, S)), NCHW,
// on planes of h×w values (a plane is one (n, c) image). The maximum of a window is its first largest value in
// row-major order, and a NaN wins over any number (as PyTorch picks). The backward gathers: each input value
// adds the upstream gradient of every window whose maximum it is, so no atomics and a fixed order.
// @config K=2 S=2
// @config K=3 S=2

// Row-major offset, inside a plane, of the maximum of the window whose top-left corner is (y0, x0).
DEVICE_FN int window_argmax(GLOBAL const float* plane, const int w, const int y0, const int x0)
{
    int best = y0 * w + x0;
    float m = plane[best];
    for (int dy = 0; dy < K; dy++)
        for (int dx = 0; dx < K; dx++)
        {
            const int at = (y0 + dy) * w + x0 + dx;
            const float v = plane[at];
            if (v > m || (v != v && m == m))
            {
                m = v;
                best = at;
            }
        }
    return best;
}

// One work-item per output value: y[p, i, j] = x[p] at the argmax of window (i·S, j·S).
KERNEL void max_pool2d(const int n, const int h, const int w, const int ho, const int wo, GLOBAL const float* x, GLOBAL float* y)
{
    const int o = GLOBAL_ID_X;
    if (o >= n) return;
    const int j = o % wo, i = (o / wo) % ho, p = o / (wo * ho);
    GLOBAL const float* plane = x + p * h * w;
    y[o] = plane[window_argmax(plane, w, i * S, j * S)];
}

// One work-item per input value: gx = Σ gy over the windows that contain it and whose argmax it is.
KERNEL void max_pool2d_backward(const int n, const int h, const int w, const int ho, const int wo, GLOBAL const float* x,
                                GLOBAL const float* gy, GLOBAL float* gx)
{
    const int at = GLOBAL_ID_X;
    if (at >= n) return;
    const int xx = at % w, yy = (at / w) % h, p = at / (w * h);
    const int offset = yy * w + xx;
    GLOBAL const float* plane = x + p * h * w;
    // Windows i with i·S ≤ yy < i·S + K, clipped to the output.
    const int i0 = yy >= K ? (yy - K) / S + 1 : 0, i1 = min(yy / S, ho - 1);
    const int j0 = xx >= K ? (xx - K) / S + 1 : 0, j1 = min(xx / S, wo - 1);
    float g = 0.0f;
    for (int i = i0; i <= i1; i++)
        for (int j = j0; j <= j1; j++)
            if (window_argmax(plane, w, i * S, j * S) == offset)
                g += gy[(p * ho + i) * wo + j];
    gx[at] = g;
}
