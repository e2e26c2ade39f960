namespace SuperRes.Tensors.Primitives;

/// <summary>kernels/max_pool2d.cl on CUDA and OpenCL: one work-item per output value forward, per input value backward.</summary>
internal sealed class MaxPool2dKernels : MaxPool2d.IBackend
{
    private const string File = "max_pool2d.cl";

    public void Forward(DeviceBuffer x, DeviceBuffer y, int planes, int h, int w, int k, int s)
    {
        int ho = MaxPool2d.OutputSize(h, k, s), wo = MaxPool2d.OutputSize(w, k, s);
        Launch.PerElement(File, "max_pool2d", Defines(k, s), x, (long)planes * ho * wo, h, w, ho, wo, x, y);
    }

    public void Backward(DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gx, int planes, int h, int w, int k, int s)
    {
        int ho = MaxPool2d.OutputSize(h, k, s), wo = MaxPool2d.OutputSize(w, k, s);
        Launch.PerElement(File, "max_pool2d_backward", Defines(k, s), x, (long)planes * h * w, h, w, ho, wo, x, gy, gx);
    }

    private static KernelDefines Defines(int k, int s) => new KernelDefines().With("K", k).With("S", s);
}
