namespace SuperRes.Tensors.Primitives;

/// <summary>
/// kernels/conv_transpose2d.cl on CUDA and OpenCL: one work-item per output (forward) or input (input gradient)
/// pixel, one work-group per kernel row of the weight gradient and per channel of the bias gradient.
/// </summary>
internal sealed class ConvTranspose2dKernels : ConvTranspose2d.IBackend
{
    private const string File = "conv_transpose2d.cl";
    private const int Group = 256;
    private const int TileChannels = 8;

    public void Forward(ConvTranspose2dGeometry g, DeviceBuffer x, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer y)
    {
        var k = Launch.Kernels(x);
        // Bias presence is a run-time flag, so a layer with and one without share a program.
        k.Launch(k.GetKernel(File, "conv_transpose2d_forward", Defines(g)), LaunchGrid.Grid3D((long)g.Ho * g.Wo, g.Cout, g.N, Group, 1, 1),
            g.Cin, g.H, g.W, g.Cout, g.Ho, g.Wo, g.Padding, bias is null ? 0 : 1,
            x, weight, bias ?? weight /* never read: the kernel only needs a valid buffer */, y);
    }

    public void InputGrad(ConvTranspose2dGeometry g, DeviceBuffer gy, DeviceBuffer weight, DeviceBuffer gx)
    {
        var k = Launch.Kernels(gy);
        k.Launch(k.GetKernel(File, "conv_transpose2d_backward_input", Defines(g)), LaunchGrid.Grid3D((long)g.H * g.W, g.Cin, g.N, Group, 1, 1),
            g.Cin, g.H, g.W, g.Cout, g.Ho, g.Wo, g.Padding, gy, weight, gx);
    }

    public void WeightGrad(ConvTranspose2dGeometry g, DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gw)
    {
        var k = Launch.Kernels(x);
        k.Launch(k.GetKernel(File, "conv_transpose2d_backward_weight", Defines(g)), LaunchGrid.Linear(g.WeightLength / g.K * Group, Group),
            g.N, g.Cin, g.H, g.W, g.Cout, g.Ho, g.Wo, g.Padding, x, gy, gw);
    }

    public void BiasGrad(ConvTranspose2dGeometry g, DeviceBuffer gy, DeviceBuffer gb)
    {
        var k = Launch.Kernels(gy);
        k.Launch(k.GetKernel(File, "conv_transpose2d_backward_bias", Defines(g)), LaunchGrid.Linear((long)g.Cout * Group, Group),
            g.N, g.Cout, g.Ho * g.Wo, gy, gb);
    }

    private static KernelDefines Defines(ConvTranspose2dGeometry g) => new KernelDefines()
        .With("K", g.K)
        .With("STRIDE", g.Stride)
        .With("GROUP", Group)
        .With("TILE_C", TileChannels);
}
