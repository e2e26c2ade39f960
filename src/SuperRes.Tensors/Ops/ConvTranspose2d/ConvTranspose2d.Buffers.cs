namespace SuperRes.Tensors.Primitives;

/// <summary>
/// Sizes of one transposed convolution (PyTorch's ConvTranspose2d, dilation 1, groups 1):
/// x [N, Cin, H, W], weight [Cin, Cout, K, K], y [N, Cout, Ho, Wo], Ho = (H − 1)·Stride − 2·Padding + K + OutputPadding.
/// </summary>
public readonly record struct ConvTranspose2dGeometry(int N, int Cin, int H, int W, int Cout, int K, int Stride, int Padding, int OutputPadding) : IConvolutionShape
{
    public int Ho => (H - 1) * Stride - 2 * Padding + K + OutputPadding;

    public int Wo => (W - 1) * Stride - 2 * Padding + K + OutputPadding;

    public long InputLength => (long)N * Cin * H * W;

    public long WeightLength => (long)Cin * Cout * K * K;

    public long OutputLength => (long)N * Cout * Ho * Wo;

    public override string ToString() =>
        $"x {N}×{Cin}×{H}×{W}, weight {Cin}×{Cout}×{K}×{K}, stride {Stride}, padding {Padding}, output_padding {OutputPadding}";
}

/// <summary>
/// Transposed convolution and its gradients over buffers: kernels/conv_transpose2d.cl on CUDA and OpenCL
/// (ConvTranspose2d.Kernels.cs), the banded C# engine on the Cpu (ConvTranspose2d.Cpu.cs).
/// </summary>
public static class ConvTranspose2d
{
    /// <summary>The buffer-level operations one backend provides.</summary>
    public interface IBackend : IConvolutionBackend<ConvTranspose2dGeometry>;

    public static BackendTable<IBackend> Backends { get; } = new BackendTable<IBackend>("conv_transpose2d")
        .With(new ConvTranspose2dCpu(), BackendKind.Cpu)
        .WithKernels(new ConvTranspose2dKernels());

    internal static ConvolutionEntryPoints<ConvTranspose2dGeometry> EntryPoints { get; } = new(Forward, InputGrad, WeightGrad, BiasGrad);

    /// <summary>y = conv_transpose2d(x, weight) + bias (bias may be null).</summary>
    public static void Forward(ConvTranspose2dGeometry g, DeviceBuffer x, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer y)
    {
        // FLOPs: every input pixel meets every tap and output channel (taps that land outside the output included).
        using var op = OpTimer.Start(g, static g => new OpCost("conv_transpose2d_forward", ConvLabels.Of(g), 2.0 * g.InputLength * g.Cout * g.K * g.K, OpCost.F32(g.InputLength + g.WeightLength + g.Cout + g.OutputLength)));
        var device = ConvolutionOperands.OneDevice("conv_transpose2d", (x, g.InputLength), (weight, g.WeightLength), (bias, g.Cout), (y, g.OutputLength));
        Backends.For(device).Forward(g, x, weight, bias, y);
    }

    /// <summary>gx = ∂L/∂x from gy = ∂L/∂y: a stride-<c>Stride</c> convolution of gy with the weight.</summary>
    public static void InputGrad(ConvTranspose2dGeometry g, DeviceBuffer gy, DeviceBuffer weight, DeviceBuffer gx)
    {
        using var op = OpTimer.Start(g, static g => new OpCost("conv_transpose2d_backward_input", ConvLabels.Of(g), 2.0 * g.InputLength * g.Cout * g.K * g.K, OpCost.F32(g.OutputLength + g.WeightLength + g.InputLength)));
        var device = ConvolutionOperands.OneDevice("conv_transpose2d backward", (gy, g.OutputLength), (weight, g.WeightLength), (gx, g.InputLength));
        Backends.For(device).InputGrad(g, gy, weight, gx);
    }

    /// <summary>gw = ∂L/∂weight: for each weight element, a reduction over N·H·W.</summary>
    public static void WeightGrad(ConvTranspose2dGeometry g, DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gw)
    {
        using var op = OpTimer.Start(g, static g => new OpCost("conv_transpose2d_backward_weight", ConvLabels.Of(g), 2.0 * g.InputLength * g.Cout * g.K * g.K, OpCost.F32(g.InputLength + g.OutputLength + g.WeightLength)));
        var device = ConvolutionOperands.OneDevice("conv_transpose2d backward", (x, g.InputLength), (gy, g.OutputLength), (gw, g.WeightLength));
        Backends.For(device).WeightGrad(g, x, gy, gw);
    }

    /// <summary>gb[co] = Σ gy[n, co, :, :] over the batch and the output plane.</summary>
    public static void BiasGrad(ConvTranspose2dGeometry g, DeviceBuffer gy, DeviceBuffer gb)
    {
        using var op = OpTimer.Start(g, static g => new OpCost("conv_transpose2d_backward_bias", ConvLabels.Of(g), g.OutputLength, OpCost.F32(g.OutputLength + g.Cout)));
        var device = ConvolutionOperands.OneDevice("conv_transpose2d backward", (gy, g.OutputLength), (gb, g.Cout));
        Backends.For(device).BiasGrad(g, gy, gb);
    }
}
