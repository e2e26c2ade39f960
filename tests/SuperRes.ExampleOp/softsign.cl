// softsign(x) = x / (1 + |x|) and its backward, one work-item per element (the example op of docs/architecture.md).
KERNEL void softsign(const int n, GLOBAL const float* x, GLOBAL float* y)
{
    const int i = GLOBAL_ID_X;
    if (i >= n) return;
    y[i] = x[i] / (1.0f + fabsf(x[i]));
}

// gx = gy / (1 + |x|)²
KERNEL void softsign_backward(const int n, GLOBAL const float* x, GLOBAL const float* gy, GLOBAL float* gx)
{
    const int i = GLOBAL_ID_X;
    if (i >= n) return;
    const float d = 1.0f + fabsf(x[i]);
    gx[i] = gy[i] / (d * d);
}
