namespace SuperRes.Tensors.Primitives;

/// <summary>kernels/activations.cl on CUDA and OpenCL: one work-item per element, PReLU's slope gradient in groups.</summary>
internal sealed class ActivationsKernels : Activations.IBackend
{
    private const string File = "activations.cl";
    private const int Group = 256;
    // A slope's elements are split into chunks of at least Group·ItemsPerThread, at most MaxChunks of them.
    private const int ItemsPerThread = 16;
    private const int MaxChunks = 256;
    private static readonly KernelDefines Defines = new KernelDefines().With("GROUP", Group);

    public void LeakyRelu(DeviceBuffer x, float slope, DeviceBuffer y, long n) => Run("leaky_relu", x, n, slope, x, y);

    public void LeakyReluBackward(DeviceBuffer x, float slope, DeviceBuffer gy, DeviceBuffer gx, long n) =>
        Run("leaky_relu_backward", x, n, slope, x, gy, gx);

    public void Prelu(DeviceBuffer x, DeviceBuffer slope, int slopes, int plane, DeviceBuffer y, long n) =>
        Run("prelu", x, n, slopes, plane, x, slope, y);

    public void PreluBackward(DeviceBuffer x, DeviceBuffer slope, int slopes, int plane, DeviceBuffer gy, DeviceBuffer gx, long n) =>
        Run("prelu_backward", x, n, slopes, plane, x, slope, gy, gx);

    /// <summary>One group per slope and chunk writes a partial sum; with more than one chunk, sum_rows adds them up.</summary>
    public void PreluSlopeGradient(DeviceBuffer x, DeviceBuffer gy, int slopes, int plane, DeviceBuffer gslope, long n)
    {
        var k = Launch.Kernels(x);
        long count = n / slopes;
        var partialKernel = k.GetKernel(File, "prelu_slope_partial", Defines);
        long chunks = Math.Clamp(count / (Group * ItemsPerThread), 1, MaxChunks);
        if (chunks == 1)
        {
            k.Launch(partialKernel, LaunchGrid.Grid2D(slopes * (long)Group, 1, Group, 1), count, slopes, plane, x, gy, gslope);
            return;
        }
        using var partial = k.Allocate(slopes * chunks);
        k.Launch(partialKernel, LaunchGrid.Grid2D(slopes * (long)Group, chunks, Group, 1), count, slopes, plane, x, gy, partial);
        OpTimer.Next((n, slopes, chunks), static s => new OpCost("sum_rows", $"{OpLabel.Elements(s.n)} slopes={s.slopes}", (double)s.slopes * s.chunks, OpCost.F32(s.slopes * (s.chunks + 1))));
        k.Launch(k.GetKernel(File, "sum_rows", Defines), LaunchGrid.Linear(slopes * (long)Group, Group), chunks, partial, gslope);
    }

    public void Sigmoid(DeviceBuffer x, DeviceBuffer y, long n) => Run("sigmoid", x, n, x, y);

    public void SigmoidBackward(DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx, long n) => Run("sigmoid_backward", y, n, y, gy, gx);

    public void Tanh(DeviceBuffer x, DeviceBuffer y, long n) => Run("tanh_forward", x, n, x, y);

    public void TanhBackward(DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx, long n) => Run("tanh_backward", y, n, y, gy, gx);

    private static void Run(string entryPoint, DeviceBuffer on, long n, params ReadOnlySpan<KernelArg> args) =>
        Launch.PerElement(File, entryPoint, Defines, on, n, args);
}
