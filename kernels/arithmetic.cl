// Element-wise tensor arithmetic beyond the buffer primitives of elementwise.cl; one work-item per element.

KERNEL void subtract(const int n, GLOBAL const float* a, GLOBAL const float* b, GLOBAL float* y)
{
    const int i = GLOBAL_ID_X;
    if (i < n) y[i] = a[i] - b[i];
}

// y = x + scale·residual (EDSR's res_scale skip connection)
KERNEL void residual_add(const int n, const float scale, GLOBAL const float* x, GLOBAL const float* residual, GLOBAL float* y)
{
    const int i = GLOBAL_ID_X;
    if (i < n) y[i] = x[i] + scale * residual[i];
}

// y = scale·value[0] everywhere: the backward of a reduction to one value, which stays on the device.
KERNEL void broadcast_scalar(const int n, const float scale, GLOBAL const float* value, GLOBAL float* y)
{
    const int i = GLOBAL_ID_X;
    if (i < n) y[i] = scale * value[0];
}
