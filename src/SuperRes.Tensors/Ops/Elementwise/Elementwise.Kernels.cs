namespace SuperRes.Tensors.Primitives;

/// <summary>kernels/elementwise.cl on CUDA and OpenCL: one work-item per element.</summary>
internal sealed class ElementwiseKernels : Elementwise.IBackend
{
    private const string File = "elementwise.cl";

    public void Fill(DeviceBuffer y, float value, long n) => Run("fill", y, n, value, y);

    public void Copy(DeviceBuffer x, DeviceBuffer y, long n) => Run("copy", x, n, x, y);

    public void Scale(DeviceBuffer x, float a, DeviceBuffer y, long n) => Run("scale", x, n, a, x, y);

    public void Axpy(float a, DeviceBuffer x, DeviceBuffer y, long n) => Run("axpy", x, n, a, x, y);

    public void Add(DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, long n) => Run("add", a, n, a, b, y);

    public void Multiply(DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, long n) => Run("multiply", a, n, a, b, y);

    public void Relu(DeviceBuffer x, DeviceBuffer y, long n) => Run("relu", x, n, x, y);

    public void ReluBackward(DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx, long n) => Run("relu_backward", y, n, y, gy, gx);

    private static void Run(string entryPoint, DeviceBuffer on, long n, params ReadOnlySpan<KernelArg> args) =>
        Launch.PerElement(File, entryPoint, KernelDefines.None, on, n, args);
}
