namespace SuperRes.Tensors.Primitives;

/// <summary>kernels/pixel_shuffle.cl on CUDA and OpenCL: one work-item per destination element, R compiled in.</summary>
internal sealed class PixelShuffleKernels : PixelShuffle.IBackend
{
    private const string File = "pixel_shuffle.cl";

    public void Shuffle(DeviceBuffer deep, DeviceBuffer wide, int planes, int h, int w, int r) =>
        Run("pixel_shuffle", deep, wide, planes, h, w, r);

    public void Unshuffle(DeviceBuffer wide, DeviceBuffer deep, int planes, int h, int w, int r) =>
        Run("pixel_unshuffle", wide, deep, planes, h, w, r);

    private static void Run(string entryPoint, DeviceBuffer source, DeviceBuffer destination, int planes, int h, int w, int r)
    {
        var k = Launch.Kernels(source);
        long n = (long)planes * r * r * h * w;
        k.Launch(k.GetKernel(File, entryPoint, new KernelDefines().With("R", r)), LaunchGrid.Linear(n), n, h, w, source, destination);
    }
}
