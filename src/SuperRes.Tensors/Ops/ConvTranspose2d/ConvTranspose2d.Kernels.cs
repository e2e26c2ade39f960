using SuperRes.Runtime.Tuning;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// kernels/conv_transpose2d.cl on CUDA and OpenCL: one work-item per output (forward) or input (input gradient)
/// pixel, one work-group per kernel row of the weight gradient and per channel of the bias gradient. The group size
/// and the channels staged per step come from the device's tuning database or the defaults (<see cref="ConvTranspose2dTuning"/>).
/// </summary>
internal sealed class ConvTranspose2dKernels : ConvTranspose2d.IBackend
{
    private const string File = ConvTranspose2dTuning.File;

    public void Forward(ConvTranspose2dGeometry g, DeviceBuffer x, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer y) =>
        Forward(g, x, weight, bias, y, ConvTranspose2dTuning.Parameters(Launch.Kernels(x), g));

    /// <summary>The forward pass with explicit tuning parameters (legal for the shape: <see cref="ConvTranspose2dTuning.Illegal"/>).</summary>
    internal static void Forward(ConvTranspose2dGeometry g, DeviceBuffer x, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer y, KernelDefines parameters)
    {
        var k = Launch.Kernels(x);
        int group = TuningSpace.Value(parameters, "GROUP");
        // Bias presence is a run-time flag, so a layer with and one without share a program.
        k.Launch(k.GetKernel(File, "conv_transpose2d_forward", ConvTranspose2dTuning.Defines(g, parameters)), LaunchGrid.Grid3D((long)g.Ho * g.Wo, g.Cout, g.N, group, 1, 1),
            g.Cin, g.H, g.W, g.Cout, g.Ho, g.Wo, g.Padding, bias is null ? 0 : 1,
            x, weight, bias ?? weight /* never read: the kernel only needs a valid buffer */, y);
    }

    public void InputGrad(ConvTranspose2dGeometry g, DeviceBuffer gy, DeviceBuffer weight, DeviceBuffer gx)
    {
        var k = Launch.Kernels(gy);
        var (defines, group) = Defines(k, g);
        k.Launch(k.GetKernel(File, "conv_transpose2d_backward_input", defines), LaunchGrid.Grid3D((long)g.H * g.W, g.Cin, g.N, group, 1, 1),
            g.Cin, g.H, g.W, g.Cout, g.Ho, g.Wo, g.Padding, gy, weight, gx);
    }

    public void WeightGrad(ConvTranspose2dGeometry g, DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gw)
    {
        var k = Launch.Kernels(x);
        var (defines, group) = Defines(k, g);
        k.Launch(k.GetKernel(File, "conv_transpose2d_backward_weight", defines), LaunchGrid.Linear(g.WeightLength / g.K * group, group),
            g.N, g.Cin, g.H, g.W, g.Cout, g.Ho, g.Wo, g.Padding, x, gy, gw);
    }

    public void BiasGrad(ConvTranspose2dGeometry g, DeviceBuffer gy, DeviceBuffer gb)
    {
        var k = Launch.Kernels(gy);
        var (defines, group) = Defines(k, g);
        k.Launch(k.GetKernel(File, "conv_transpose2d_backward_bias", defines), LaunchGrid.Linear((long)g.Cout * group, group),
            g.N, g.Cout, g.Ho * g.Wo, gy, gb);
    }

    /// <summary>The program's defines and its group size, from the database or the defaults.</summary>
    private static (KernelDefines Defines, int Group) Defines(KernelDevice k, ConvTranspose2dGeometry g)
    {
        var parameters = ConvTranspose2dTuning.Parameters(k, g);
        return (ConvTranspose2dTuning.Defines(g, parameters), TuningSpace.Value(parameters, "GROUP"));
    }
}
