// Element-wise kernels over flat float buffers of n elements; one work-item per element.

KERNEL void fill(const int n, const float value, GLOBAL float* y)
{
    const int i = GLOBAL_ID_X;
    if (i < n) y[i] = value;
}

KERNEL void copy(const int n, GLOBAL const float* x, GLOBAL float* y)
{
    const int i = GLOBAL_ID_X;
    if (i < n) y[i] = x[i];
}

// y = a * x
KERNEL void scale(const int n, const float a, GLOBAL const float* x, GLOBAL float* y)
{
    const int i = GLOBAL_ID_X;
    if (i < n) y[i] = a * x[i];
}

// y = y + a * x
KERNEL void axpy(const int n, const float a, GLOBAL const float* x, GLOBAL float* y)
{
    const int i = GLOBAL_ID_X;
    if (i < n) y[i] = y[i] + a * x[i];
}

KERNEL void add(const int n, GLOBAL const float* a, GLOBAL const float* b, GLOBAL float* y)
{
    const int i = GLOBAL_ID_X;
    if (i < n) y[i] = a[i] + b[i];
}

KERNEL void multiply(const int n, GLOBAL const float* a, GLOBAL const float* b, GLOBAL float* y)
{
    const int i = GLOBAL_ID_X;
    if (i < n) y[i] = a[i] * b[i];
}

KERNEL void relu(const int n, GLOBAL const float* x, GLOBAL float* y)
{
    const int i = GLOBAL_ID_X;
    if (i < n) y[i] = fmaxf(x[i], 0.0f);
}

// gx = gy where the forward output was positive (y = relu(x) > 0 exactly when x > 0)
KERNEL void relu_backward(const int n, GLOBAL const float* y, GLOBAL const float* gy, GLOBAL float* gx)
{
    const int i = GLOBAL_ID_X;
    if (i < n) gx[i] = y[i] > 0.0f ? gy[i] : 0.0f;
}
