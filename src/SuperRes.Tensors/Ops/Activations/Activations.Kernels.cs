using SuperRes.Runtime.Tuning;
using SuperRes.Tensors.Tuning;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// kernels/activations.cl on CUDA and OpenCL: one work-item per element; PReLU's slope gradient in groups, with the
/// tuned parameters of its values per slope (<see cref="PreluSlopeTuning"/>). The element-wise kernels run in the
/// program of the device class's default group size, which the untuned slope gradient shares.
/// </summary>
internal sealed class ActivationsKernels : Activations.IBackend
{
    private const string File = PreluSlopeTuning.File;
    private static readonly KernelDefines GpuDefines = ReductionGroup.Defines(PreluSlopeTuning.Default(DeviceClass.Gpu));
    private static readonly KernelDefines CpuDefines = ReductionGroup.Defines(PreluSlopeTuning.Default(DeviceClass.Cpu));

    public void LeakyRelu(DeviceBuffer x, float slope, DeviceBuffer y, long n) => Run("leaky_relu", x, n, slope, x, y);

    public void LeakyReluBackward(DeviceBuffer x, float slope, DeviceBuffer gy, DeviceBuffer gx, long n) =>
        Run("leaky_relu_backward", x, n, slope, x, gy, gx);

    public void Prelu(DeviceBuffer x, DeviceBuffer slope, int slopes, int plane, DeviceBuffer y, long n) =>
        Run("prelu", x, n, slopes, plane, x, slope, y);

    public void PreluBackward(DeviceBuffer x, DeviceBuffer slope, int slopes, int plane, DeviceBuffer gy, DeviceBuffer gx, long n) =>
        Run("prelu_backward", x, n, slopes, plane, x, slope, gy, gx);

    public void PreluSlopeGradient(DeviceBuffer x, DeviceBuffer gy, int slopes, int plane, DeviceBuffer gslope, long n) =>
        PreluSlopeGradient(x, gy, slopes, plane, gslope, n, PreluSlopeTuning.Parameters(Launch.Kernels(x), n / slopes));

    /// <summary>
    /// One group per slope and chunk writes a partial sum; with more than one chunk, sum_rows adds them up. Explicit
    /// parameters (<see cref="PreluSlopeTuning"/>).
    /// </summary>
    internal static void PreluSlopeGradient(DeviceBuffer x, DeviceBuffer gy, int slopes, int plane, DeviceBuffer gslope, long n, KernelDefines parameters)
    {
        var k = Launch.Kernels(x);
        long count = n / slopes;
        var defines = ReductionGroup.Defines(parameters);
        int group = TuningSpace.Value(parameters, ReductionGroup.Name);
        var partialKernel = k.GetKernel(File, "prelu_slope_partial", defines);
        long chunks = PreluSlopeTuning.Chunks(parameters, count);
        if (chunks == 1)
        {
            k.Launch(partialKernel, LaunchGrid.Grid2D(slopes * (long)group, 1, group, 1), count, slopes, plane, x, gy, gslope);
            return;
        }
        using var partial = k.Allocate(slopes * chunks);
        k.Launch(partialKernel, LaunchGrid.Grid2D(slopes * (long)group, chunks, group, 1), count, slopes, plane, x, gy, partial);
        OpTimer.Next((n, slopes, chunks), static s => new OpCost("sum_rows", $"{OpLabel.Elements(s.n)} slopes={s.slopes}", (double)s.slopes * s.chunks, OpCost.F32(s.slopes * (s.chunks + 1))));
        k.Launch(k.GetKernel(File, "sum_rows", defines), LaunchGrid.Linear(slopes * (long)group, group), chunks, partial, gslope);
    }

    public void Sigmoid(DeviceBuffer x, DeviceBuffer y, long n) => Run("sigmoid", x, n, x, y);

    public void SigmoidBackward(DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx, long n) => Run("sigmoid_backward", y, n, y, gy, gx);

    public void Tanh(DeviceBuffer x, DeviceBuffer y, long n) => Run("tanh_forward", x, n, x, y);

    public void TanhBackward(DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx, long n) => Run("tanh_backward", y, n, y, gy, gx);

    private static void Run(string entryPoint, DeviceBuffer on, long n, params ReadOnlySpan<KernelArg> args) =>
        Launch.PerElement(File, entryPoint, Launch.Kernels(on).Class == DeviceClass.Gpu ? GpuDefines : CpuDefines, on, n, args);
}
