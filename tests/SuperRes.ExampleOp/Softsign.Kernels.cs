using System.Reflection;
using SuperRes.Tensors.Backends;

namespace SuperRes.ExampleOp;

/// <summary>softsign.cl, embedded in this assembly and registered with the kernel library, on CUDA and OpenCL.</summary>
internal sealed class SoftsignKernels : SoftsignBuffers.IBackend
{
    private const string File = "softsign.cl";

    static SoftsignKernels() => KernelLibrary.AddSources(Assembly.GetExecutingAssembly(), "SuperRes.ExampleOp/kernels/");

    public void Forward(DeviceBuffer x, DeviceBuffer y, long n) =>
        Launch.PerElement(File, "softsign", KernelDefines.None, y, n, x, y);

    public void Backward(DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gx, long n) =>
        Launch.PerElement(File, "softsign_backward", KernelDefines.None, gx, n, x, gy, gx);
}
