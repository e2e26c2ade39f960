// Mean losses over two equally shaped tensors. The forward is the first pass of reduce.cl's two-pass sum
// with the loss term fused in: each group folds a grid-strided share into partial[group], already scaled
// by 1/n, and reduce.cl's sum_partial folds the partials into the loss. The backwards read the upstream
// gradient from the device (gy[0]), so nothing goes back to the host.
// GROUP is the work-group size, a power of two.
// @config GROUP=256

KERNEL void l1_partial(const int n, const float scale, GLOBAL const float* p, GLOBAL const float* t, GLOBAL float* partial)
{
    LOCAL float scratch[GROUP];
    const int lid = LOCAL_ID_X;
    float acc = 0.0f;
    for (int i = GROUP_ID_X * GROUP + lid; i < n; i += NUM_GROUPS_X * GROUP)
        acc += fabsf(p[i] - t[i]);
    scratch[lid] = acc;
    BARRIER();
    for (int stride = GROUP / 2; stride > 0; stride >>= 1)
    {
        if (lid < stride) scratch[lid] += scratch[lid + stride];
        BARRIER();
    }
    if (lid == 0) partial[GROUP_ID_X] = scale * scratch[0];
}

KERNEL void mse_partial(const int n, const float scale, GLOBAL const float* p, GLOBAL const float* t, GLOBAL float* partial)
{
    LOCAL float scratch[GROUP];
    const int lid = LOCAL_ID_X;
    float acc = 0.0f;
    for (int i = GROUP_ID_X * GROUP + lid; i < n; i += NUM_GROUPS_X * GROUP)
    {
        const float d = p[i] - t[i];
        acc += d * d;
    }
    scratch[lid] = acc;
    BARRIER();
    for (int stride = GROUP / 2; stride > 0; stride >>= 1)
    {
        if (lid < stride) scratch[lid] += scratch[lid + stride];
        BARRIER();
    }
    if (lid == 0) partial[GROUP_ID_X] = scale * scratch[0];
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
