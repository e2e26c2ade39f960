namespace SuperRes.Tensors.Primitives;

/// <summary>
/// conv2d and its gradients over flat NCHW buffers: kernels/conv2d.cl on CUDA and OpenCL (Conv2d.Kernels.cs), the
/// banded C# engine on the Cpu (Conv2d.Cpu.cs).
/// </summary>
public static class Conv2d
{
    /// <summary>The buffer-level operations one backend provides.</summary>
    public interface IBackend : IConvolutionBackend<Conv2dShape>;

    public static BackendTable<IBackend> Backends { get; } = new BackendTable<IBackend>("conv2d")
        .With(new Conv2dCpu(), BackendKind.Cpu)
        .WithKernels(new Conv2dKernels());

    internal static ConvolutionEntryPoints<Conv2dShape> EntryPoints { get; } = new(Forward, InputGrad, WeightGrad, BiasGrad);

    /// <summary>y = conv2d(x, weight) + bias (bias may be null).</summary>
    public static void Forward(Conv2dShape s, DeviceBuffer x, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer y)
    {
        // FLOPs: a multiply-add per output element, input channel and tap; bytes: x, weight, bias, y once each.
        using var op = OpTimer.Start(s, static s => new OpCost("conv2d_forward", ConvLabels.Of(s), 2.0 * s.OutputLength * s.Cin * s.K * s.K, OpCost.F32(s.InputLength + s.WeightLength + s.Cout + s.OutputLength)));
        var device = Check("conv2d", s, (x, s.InputLength), (weight, s.WeightLength), (bias, s.Cout), (y, s.OutputLength));
        Backends.For(device).Forward(s, x, weight, bias, y);
    }

    /// <summary>gx = ∂(Σ gy·y)/∂x: the transposed convolution of gy with the weights.</summary>
    public static void InputGrad(Conv2dShape s, DeviceBuffer gy, DeviceBuffer weight, DeviceBuffer gx)
    {
        using var op = OpTimer.Start(s, static s => new OpCost("conv2d_input_grad", ConvLabels.Of(s), 2.0 * s.OutputLength * s.Cin * s.K * s.K, OpCost.F32(s.OutputLength + s.WeightLength + s.InputLength)));
        var device = Check("conv2d input gradient", s, (gy, s.OutputLength), (weight, s.WeightLength), (gx, s.InputLength));
        Backends.For(device).InputGrad(s, gy, weight, gx);
    }

    /// <summary>gw = ∂(Σ gy·y)/∂weight: per weight element, a reduction over N × OutH × OutW.</summary>
    public static void WeightGrad(Conv2dShape s, DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gw)
    {
        using var op = OpTimer.Start(s, static s => new OpCost("conv2d_weight_grad", ConvLabels.Of(s), 2.0 * s.OutputLength * s.Cin * s.K * s.K, OpCost.F32(s.InputLength + s.OutputLength + s.WeightLength)));
        var device = Check("conv2d weight gradient", s, (x, s.InputLength), (gy, s.OutputLength), (gw, s.WeightLength));
        Backends.For(device).WeightGrad(s, x, gy, gw);
    }

    /// <summary>gb[co] = Σ over N × OutH × OutW of gy[n, co].</summary>
    public static void BiasGrad(Conv2dShape s, DeviceBuffer gy, DeviceBuffer gb)
    {
        using var op = OpTimer.Start(s, static s => new OpCost("conv2d_bias_grad", ConvLabels.Of(s), s.OutputLength, OpCost.F32(s.OutputLength + s.Cout)));
        var device = Check("conv2d bias gradient", s, (gy, s.OutputLength), (gb, s.Cout));
        Backends.For(device).BiasGrad(s, gy, gb);
    }

    private static Device Check(string op, Conv2dShape s, params ReadOnlySpan<(DeviceBuffer? Buffer, long Length)> buffers)
    {
        if (s.N < 1 || s.Cin < 1 || s.H < 1 || s.W < 1 || s.Cout < 1)
            throw new ArgumentException($"{op} {s}: every size must be positive");
        if (s.K < 1 || s.K % 2 == 0)
            throw new ArgumentException($"{op} {s}: the kernel size must be odd (same padding K/2)");
        if (s.Stride is not (1 or 2))
            throw new ArgumentException($"{op} {s}: stride must be 1 or 2");
        return ConvolutionOperands.OneDevice(op, buffers);
    }
}
