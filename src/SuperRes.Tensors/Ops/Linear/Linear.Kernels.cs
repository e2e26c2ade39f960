using SuperRes.Runtime.Tuning;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// kernels/linear.cl on CUDA and OpenCL: the forward and both gradients as one tiled product over strided views,
/// with the layer's tuned (or default) tile (<see cref="LinearTuning"/>).
/// </summary>
internal sealed class LinearKernels : Linear.IBackend
{
    private const string File = LinearTuning.File;

    public void Forward(DeviceBuffer x, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer y, int batch, int inFeatures, int outFeatures) =>
        Forward(x, weight, bias, y, batch, inFeatures, outFeatures, LinearTuning.Parameters(Launch.Kernels(x), inFeatures, outFeatures));

    public void InputGrad(DeviceBuffer gy, DeviceBuffer weight, DeviceBuffer gx, int batch, int inFeatures, int outFeatures) =>
        InputGrad(gy, weight, gx, batch, inFeatures, outFeatures, LinearTuning.Parameters(Launch.Kernels(gy), inFeatures, outFeatures));

    public void WeightGrad(DeviceBuffer gy, DeviceBuffer x, DeviceBuffer gw, int batch, int inFeatures, int outFeatures) =>
        WeightGrad(gy, x, gw, batch, inFeatures, outFeatures, LinearTuning.Parameters(Launch.Kernels(gy), inFeatures, outFeatures));

    public void BiasGrad(DeviceBuffer gy, DeviceBuffer gb, int batch, int outFeatures)
    {
        var k = Launch.Kernels(gy);
        k.Launch(k.GetKernel(File, "linear_bias_grad", LinearTuning.Default(k.Class)), LaunchGrid.Linear(outFeatures), batch, outFeatures, gy, gb);
    }

    /// <summary>The forward pass with explicit tuning parameters (legal: <see cref="LinearTuning.Illegal"/>).</summary>
    internal static void Forward(DeviceBuffer x, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer y, int batch, int inFeatures, int outFeatures, KernelDefines parameters) =>
        Gemm(parameters, batch, outFeatures, inFeatures, x, inFeatures, 1, weight, 1, inFeatures, bias, y);

    internal static void InputGrad(DeviceBuffer gy, DeviceBuffer weight, DeviceBuffer gx, int batch, int inFeatures, int outFeatures, KernelDefines parameters) =>
        Gemm(parameters, batch, inFeatures, outFeatures, gy, outFeatures, 1, weight, inFeatures, 1, null, gx);

    internal static void WeightGrad(DeviceBuffer gy, DeviceBuffer x, DeviceBuffer gw, int batch, int inFeatures, int outFeatures, KernelDefines parameters) =>
        Gemm(parameters, outFeatures, inFeatures, batch, gy, 1, outFeatures, x, inFeatures, 1, null, gw);

    /// <summary>C[M×N] = A·B with A(m,k) = a[m·sam + k·sak], B(k,n) = b[k·sbk + n·sbn], plus bias[n] if given.</summary>
    private static void Gemm(KernelDefines parameters, int m, int n, int kSize, DeviceBuffer a, int sam, int sak, DeviceBuffer b, int sbk, int sbn,
        DeviceBuffer? bias, DeviceBuffer c)
    {
        var k = Launch.Kernels(c);
        int tile = TuningSpace.Value(parameters, "TILE"), rows = tile / TuningSpace.Value(parameters, "WPT");
        // Without a bias the kernel never reads that argument; any buffer of the device fills the slot.
        k.Launch(k.GetKernel(File, "linear_gemm", parameters), LaunchGrid.Grid2D(n, (m + tile - 1) / tile * (long)rows, tile, rows),
            m, n, kSize, a, sam, sak, b, sbk, sbn, bias is null ? 0 : 1, bias ?? b, c);
    }
}
