namespace SuperRes.Tensors.Primitives;

/// <summary>kernels/adaptive_avg_pool2d.cl on CUDA and OpenCL: one work-item per output value forward, per input value backward.</summary>
internal sealed class AdaptiveAvgPool2dKernels : AdaptiveAvgPool2d.IBackend
{
    private const string File = "adaptive_avg_pool2d.cl";

    public void Forward(DeviceBuffer x, DeviceBuffer y, int planes, int h, int w, int ho, int wo) =>
        Launch.PerElement(File, "adaptive_avg_pool2d", KernelDefines.None, x, (long)planes * ho * wo, h, w, ho, wo, x, y);

    public void Backward(DeviceBuffer gy, DeviceBuffer gx, int planes, int h, int w, int ho, int wo) =>
        Launch.PerElement(File, "adaptive_avg_pool2d_backward", KernelDefines.None, gx, (long)planes * h * w, h, w, ho, wo, gy, gx);
}
