namespace SuperRes.Tensors.Primitives;

/// <summary>
/// Sizes of one transposed convolution (PyTorch's ConvTranspose2d, dilation 1, groups 1):
/// x [N, Cin, H, W], weight [Cin, Cout, K, K], y [N, Cout, Ho, Wo], Ho = (H − 1)·Stride − 2·Padding + K + OutputPadding.
/// </summary>
public readonly record struct ConvTranspose2dGeometry(int N, int Cin, int H, int W, int Cout, int K, int Stride, int Padding, int OutputPadding)
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
/// Transposed convolution and its gradients over buffers. Kernels: kernels/conv_transpose2d.cl; the Cpu reference
/// is in ConvTranspose2d.Cpu.cs.
/// </summary>
public static partial class ConvTranspose2d
{
    private const string File = "conv_transpose2d.cl";
    private const int Group = 256;
    private const int TileChannels = 8;

    /// <summary>y = conv_transpose2d(x, weight) + bias (bias may be null).</summary>
    public static void Forward(ConvTranspose2dGeometry g, DeviceBuffer x, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer y)
    {
        // FLOPs: every input pixel meets every tap and output channel (taps that land outside the output included).
        using var op = OpTimer.Start(g, static g => new OpCost("conv_transpose2d_forward", ConvLabels.Of(g), 2.0 * g.InputLength * g.Cout * g.K * g.K, OpCost.F32(g.InputLength + g.WeightLength + g.Cout + g.OutputLength)));
        var device = bias is null
            ? OneDevice("conv_transpose2d", (x, g.InputLength), (weight, g.WeightLength), (y, g.OutputLength))
            : OneDevice("conv_transpose2d", (x, g.InputLength), (weight, g.WeightLength), (bias, g.Cout), (y, g.OutputLength));
        if (device is KernelDevice k)
        {
            // Bias presence is a run-time flag, so a layer with and one without share a program.
            k.Launch(k.GetKernel(File, "conv_transpose2d_forward", Defines(g)), LaunchGrid.Grid3D((long)g.Ho * g.Wo, g.Cout, g.N, Group, 1, 1),
                g.Cin, g.H, g.W, g.Cout, g.Ho, g.Wo, g.Padding, bias is null ? 0 : 1,
                x, weight, bias ?? weight /* never read: the kernel only needs a valid buffer */, y);
            return;
        }
        ForwardCpu(g, x.HostArray!, weight.HostArray!, bias?.HostArray, y.HostArray!);
    }

    /// <summary>gx = ∂L/∂x from gy = ∂L/∂y: a stride-<c>Stride</c> convolution of gy with the weight.</summary>
    public static void BackwardInput(ConvTranspose2dGeometry g, DeviceBuffer gy, DeviceBuffer weight, DeviceBuffer gx)
    {
        using var op = OpTimer.Start(g, static g => new OpCost("conv_transpose2d_backward_input", ConvLabels.Of(g), 2.0 * g.InputLength * g.Cout * g.K * g.K, OpCost.F32(g.OutputLength + g.WeightLength + g.InputLength)));
        if (OneDevice("conv_transpose2d backward", (gy, g.OutputLength), (weight, g.WeightLength), (gx, g.InputLength)) is KernelDevice k)
        {
            var kernel = k.GetKernel(File, "conv_transpose2d_backward_input", Defines(g));
            k.Launch(kernel, LaunchGrid.Grid3D((long)g.H * g.W, g.Cin, g.N, Group, 1, 1),
                g.Cin, g.H, g.W, g.Cout, g.Ho, g.Wo, g.Padding, gy, weight, gx);
            return;
        }
        BackwardInputCpu(g, gy.HostArray!, weight.HostArray!, gx.HostArray!);
    }

    /// <summary>gw = ∂L/∂weight: for each weight element, a reduction over N·H·W (one work-group per kernel row).</summary>
    public static void BackwardWeight(ConvTranspose2dGeometry g, DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gw)
    {
        using var op = OpTimer.Start(g, static g => new OpCost("conv_transpose2d_backward_weight", ConvLabels.Of(g), 2.0 * g.InputLength * g.Cout * g.K * g.K, OpCost.F32(g.InputLength + g.OutputLength + g.WeightLength)));
        if (OneDevice("conv_transpose2d backward", (x, g.InputLength), (gy, g.OutputLength), (gw, g.WeightLength)) is KernelDevice k)
        {
            var kernel = k.GetKernel(File, "conv_transpose2d_backward_weight", Defines(g));
            k.Launch(kernel, LaunchGrid.Linear(g.WeightLength / g.K * Group, Group),
                g.N, g.Cin, g.H, g.W, g.Cout, g.Ho, g.Wo, g.Padding, x, gy, gw);
            return;
        }
        BackwardWeightCpu(g, x.HostArray!, gy.HostArray!, gw.HostArray!);
    }

    /// <summary>gb[co] = Σ gy[n, co, :, :] over the batch and the output plane.</summary>
    public static void BackwardBias(ConvTranspose2dGeometry g, DeviceBuffer gy, DeviceBuffer gb)
    {
        using var op = OpTimer.Start(g, static g => new OpCost("conv_transpose2d_backward_bias", ConvLabels.Of(g), g.OutputLength, OpCost.F32(g.OutputLength + g.Cout)));
        int outPlane = g.Ho * g.Wo;
        if (OneDevice("conv_transpose2d backward", (gy, g.OutputLength), (gb, g.Cout)) is KernelDevice k)
        {
            var kernel = k.GetKernel(File, "conv_transpose2d_backward_bias", Defines(g));
            k.Launch(kernel, LaunchGrid.Linear((long)g.Cout * Group, Group), g.N, g.Cout, outPlane, gy, gb);
            return;
        }
        var gys = gy.HostArray!;
        var gbs = gb.HostArray!;
        for (int co = 0; co < g.Cout; co++)
        {
            double acc = 0;
            for (int n = 0; n < g.N; n++)
                for (int p = 0; p < outPlane; p++)
                    acc += gys[(long)(n * g.Cout + co) * outPlane + p];
            gbs[co] = (float)acc;
        }
    }

    /// <summary>The device of the operands, after checking that they share it and that each holds its length.</summary>
    private static Device OneDevice(string op, params ReadOnlySpan<(DeviceBuffer Buffer, long Length)> operands)
    {
        foreach (var (buffer, length) in operands)
        {
            Launch.SameDevice(op, length, buffer);
            Launch.SameDevice(op, 0, operands[0].Buffer, buffer);
        }
        return operands[0].Buffer.Device;
    }

    private static KernelDefines Defines(ConvTranspose2dGeometry g) => new KernelDefines()
        .With("K", g.K)
        .With("STRIDE", g.Stride)
        .With("GROUP", Group)
        .With("TILE_C", TileChannels);
}
