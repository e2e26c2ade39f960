namespace SuperRes.Tensors.Primitives;

/// <summary>kernels/arithmetic.cl on CUDA and OpenCL: one work-item per element.</summary>
internal sealed class ArithmeticKernels : Arithmetic.IBackend
{
    private const string File = "arithmetic.cl";

    public void Subtract(DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, long n) =>
        Launch.PerElement(File, "subtract", KernelDefines.None, y, n, a, b, y);

    public void ResidualAdd(DeviceBuffer x, DeviceBuffer residual, float scale, DeviceBuffer y, long n) =>
        Launch.PerElement(File, "residual_add", KernelDefines.None, y, n, scale, x, residual, y);

    public void BroadcastScalar(DeviceBuffer value, float scale, DeviceBuffer y, long n) =>
        Launch.PerElement(File, "broadcast_scalar", KernelDefines.None, y, n, scale, value, y);
}
