namespace SuperRes.Tensors.Primitives;

/// <summary>kernels/linear.cl on CUDA and OpenCL: the forward and both gradients as one tiled product over strided views.</summary>
internal sealed class LinearKernels : Linear.IBackend
{
    private const string File = "linear.cl";
    private const int Tile = 16;
    private static readonly KernelDefines Defines = new KernelDefines().With("TILE", Tile);

    public void Forward(DeviceBuffer x, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer y, int batch, int inFeatures, int outFeatures) =>
        Gemm(batch, outFeatures, inFeatures, x, inFeatures, 1, weight, 1, inFeatures, bias, y);

    public void InputGrad(DeviceBuffer gy, DeviceBuffer weight, DeviceBuffer gx, int batch, int inFeatures, int outFeatures) =>
        Gemm(batch, inFeatures, outFeatures, gy, outFeatures, 1, weight, inFeatures, 1, null, gx);

    public void WeightGrad(DeviceBuffer gy, DeviceBuffer x, DeviceBuffer gw, int batch, int inFeatures, int outFeatures) =>
        Gemm(outFeatures, inFeatures, batch, gy, 1, outFeatures, x, inFeatures, 1, null, gw);

    public void BiasGrad(DeviceBuffer gy, DeviceBuffer gb, int batch, int outFeatures)
    {
        var k = Launch.Kernels(gy);
        k.Launch(k.GetKernel(File, "linear_bias_grad", Defines), LaunchGrid.Linear(outFeatures), batch, outFeatures, gy, gb);
    }

    /// <summary>C[M×N] = A·B with A(m,k) = a[m·sam + k·sak], B(k,n) = b[k·sbk + n·sbn], plus bias[n] if given.</summary>
    private static void Gemm(int m, int n, int kSize, DeviceBuffer a, int sam, int sak, DeviceBuffer b, int sbk, int sbn, DeviceBuffer? bias, DeviceBuffer c)
    {
        var k = Launch.Kernels(c);
        // Without a bias the kernel never reads that argument; any buffer of the device fills the slot.
        k.Launch(k.GetKernel(File, "linear_gemm", Defines), LaunchGrid.Grid2D(n, m, Tile, Tile),
            m, n, kSize, a, sam, sak, b, sbk, sbn, bias is null ? 0 : 1, bias ?? b, c);
    }
}
