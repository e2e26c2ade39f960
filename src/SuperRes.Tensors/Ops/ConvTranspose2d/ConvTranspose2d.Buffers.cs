namespace SuperRes.Tensors.Primitives;

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
