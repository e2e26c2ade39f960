namespace SuperRes.Tensors.Primitives;

/// <summary>
/// Max pooling over k×k windows with stride s, no padding, floor mode (PyTorch's <c>nn.MaxPool2d(k, s)</c>) on
/// NCHW buffers of <c>planes</c> = N·C planes of h×w values. A window's maximum is its first largest value in
/// row-major order, a NaN winning over any number. kernels/max_pool2d.cl (k and s compiled in) on CUDA and
/// OpenCL, C# loops on the Cpu.
/// </summary>
public static class MaxPool2d
{
    /// <summary>The buffer-level operations one backend provides; sizes are checked before they are called.</summary>
    public interface IBackend
    {
        void Forward(DeviceBuffer x, DeviceBuffer y, int planes, int h, int w, int k, int s);

        /// <summary>gx = Σ gy over the windows whose maximum each input value is.</summary>
        void Backward(DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gx, int planes, int h, int w, int k, int s);
    }

    public static BackendTable<IBackend> Backends { get; } = new BackendTable<IBackend>("max_pool2d")
        .With(new MaxPool2dCpu(), BackendKind.Cpu)
        .WithKernels(new MaxPool2dKernels());

    /// <summary>The output side of a window sweep: ⌊(side − k) / s⌋ + 1.</summary>
    public static int OutputSize(int side, int k, int s) => (side - k) / s + 1;

    public static void Forward(DeviceBuffer x, DeviceBuffer y, int planes, int h, int w, int k, int s)
    {
        using var op = OpTimer.Start((planes, h, w, k, s), static a => new OpCost("max_pool2d", $"{OpLabel.Planes(a.planes, (long)a.h * a.w)} k{a.k} s{a.s}",
            (double)a.planes * OutputSize(a.h, a.k, a.s) * OutputSize(a.w, a.k, a.s) * a.k * a.k, OpCost.F32((long)a.planes * a.h * a.w + (long)a.planes * OutputSize(a.h, a.k, a.s) * OutputSize(a.w, a.k, a.s))));
        var device = Check("max_pool2d", planes, h, w, k, s, x, y, []);
        Backends.For(device).Forward(x, y, planes, h, w, k, s);
    }

    public static void Backward(DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gx, int planes, int h, int w, int k, int s)
    {
        using var op = OpTimer.Start((planes, h, w, k, s), static a => new OpCost("max_pool2d_backward", $"{OpLabel.Planes(a.planes, (long)a.h * a.w)} k{a.k} s{a.s}",
            (double)a.planes * a.h * a.w * a.k * a.k, OpCost.F32(2L * a.planes * a.h * a.w + (long)a.planes * OutputSize(a.h, a.k, a.s) * OutputSize(a.w, a.k, a.s))));
        var device = Check("max_pool2d_backward", planes, h, w, k, s, x, gy, [gx]);
        Backends.For(device).Backward(x, gy, gx, planes, h, w, k, s);
    }

    /// <summary>One device; the input-shaped buffers hold planes·h·w values, the output-shaped one planes·ho·wo.</summary>
    private static Device Check(string op, int planes, int h, int w, int k, int s, DeviceBuffer input, DeviceBuffer output, ReadOnlySpan<DeviceBuffer> moreInputs)
    {
        if (k < 1 || s < 1 || h < k || w < k)
            throw new ArgumentException($"{op}: a {k}×{k} window with stride {s} does not fit a {h}×{w} plane");
        Launch.SameDevice(op, (long)planes * h * w, [input, .. moreInputs]);
        Launch.SameDevice(op, (long)planes * OutputSize(h, k, s) * OutputSize(w, k, s), output);
        return Launch.SameDevice(op, 1, output, input);
    }
}
