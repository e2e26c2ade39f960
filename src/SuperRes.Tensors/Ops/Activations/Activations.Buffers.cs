namespace SuperRes.Tensors.Primitives;

/// <summary>
/// Activation functions and their backwards over flat buffers (kernels/activations.cl on CUDA and OpenCL, C# on Cpu).
/// PReLU takes <c>slopes</c> (1 shared, or C per channel) and <c>plane</c> (elements per channel of one
/// sample, H·W): element i uses slope (i / plane) mod slopes.
/// </summary>
public static class Activations
{
    /// <summary>The buffer-level operations one backend provides; arguments are checked before they are called.</summary>
    public interface IBackend
    {
        void LeakyRelu(DeviceBuffer x, float slope, DeviceBuffer y, long n);

        void LeakyReluBackward(DeviceBuffer x, float slope, DeviceBuffer gy, DeviceBuffer gx, long n);

        void Prelu(DeviceBuffer x, DeviceBuffer slope, int slopes, int plane, DeviceBuffer y, long n);

        void PreluBackward(DeviceBuffer x, DeviceBuffer slope, int slopes, int plane, DeviceBuffer gy, DeviceBuffer gx, long n);

        void PreluSlopeGradient(DeviceBuffer x, DeviceBuffer gy, int slopes, int plane, DeviceBuffer gslope, long n);

        void Sigmoid(DeviceBuffer x, DeviceBuffer y, long n);

        void SigmoidBackward(DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx, long n);

        void Tanh(DeviceBuffer x, DeviceBuffer y, long n);

        void TanhBackward(DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx, long n);
    }

    public static BackendTable<IBackend> Backends { get; } = new BackendTable<IBackend>("activations")
        .With(new ActivationsCpu(), BackendKind.Cpu)
        .WithKernels(new ActivationsKernels());

    /// <summary>y = x where x &gt; 0, else slope·x</summary>
    public static void LeakyRelu(DeviceBuffer x, float slope, DeviceBuffer y, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("leaky_relu", OpLabel.Elements(n), n, OpCost.F32(2 * n)));
        Backends.For(Launch.SameDevice("leaky_relu", n, x, y)).LeakyRelu(x, slope, y, n);
    }

    /// <summary>gx = gy where x &gt; 0, else slope·gy</summary>
    public static void LeakyReluBackward(DeviceBuffer x, float slope, DeviceBuffer gy, DeviceBuffer gx, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("leaky_relu_backward", OpLabel.Elements(n), n, OpCost.F32(3 * n)));
        Backends.For(Launch.SameDevice("leaky_relu_backward", n, x, gy, gx)).LeakyReluBackward(x, slope, gy, gx, n);
    }

    /// <summary>y = x where x &gt; 0, else slope[c]·x</summary>
    public static void Prelu(DeviceBuffer x, DeviceBuffer slope, int slopes, int plane, DeviceBuffer y, long n)
    {
        using var op = OpTimer.Start((n, slopes), static s => new OpCost("prelu", $"{OpLabel.Elements(s.n)} slopes={s.slopes}", s.n, OpCost.F32(2 * s.n + s.slopes)));
        CheckSlopes("prelu", x, slope, slopes, plane, n);
        Backends.For(Launch.SameDevice("prelu", n, x, y)).Prelu(x, slope, slopes, plane, y, n);
    }

    /// <summary>gx = gy where x &gt; 0, else slope[c]·gy</summary>
    public static void PreluBackward(DeviceBuffer x, DeviceBuffer slope, int slopes, int plane, DeviceBuffer gy, DeviceBuffer gx, long n)
    {
        using var op = OpTimer.Start((n, slopes), static s => new OpCost("prelu_backward", $"{OpLabel.Elements(s.n)} slopes={s.slopes}", s.n, OpCost.F32(3 * s.n + s.slopes)));
        CheckSlopes("prelu_backward", x, slope, slopes, plane, n);
        Backends.For(Launch.SameDevice("prelu_backward", n, x, gy, gx)).PreluBackward(x, slope, slopes, plane, gy, gx, n);
    }

    /// <summary>gslope[s] = Σ x·gy over the elements of slope s with x ≤ 0 (two-pass reduction on the device).</summary>
    public static void PreluSlopeGradient(DeviceBuffer x, DeviceBuffer gy, int slopes, int plane, DeviceBuffer gslope, long n)
    {
        using var op = OpTimer.Start((n, slopes), static s => new OpCost("prelu_slope_partial", $"{OpLabel.Elements(s.n)} slopes={s.slopes}", 2.0 * s.n, OpCost.F32(2 * s.n + s.slopes)));
        CheckSlopes("prelu_slope_gradient", x, gslope, slopes, plane, n);
        Backends.For(Launch.SameDevice("prelu_slope_gradient", n, x, gy)).PreluSlopeGradient(x, gy, slopes, plane, gslope, n);
    }

    /// <summary>y = 1 / (1 + e^−x)</summary>
    public static void Sigmoid(DeviceBuffer x, DeviceBuffer y, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("sigmoid", OpLabel.Elements(n), 4.0 * n, OpCost.F32(2 * n)));
        Backends.For(Launch.SameDevice("sigmoid", n, x, y)).Sigmoid(x, y, n);
    }

    /// <summary>gx = gy·y·(1 − y) from sigmoid's output y</summary>
    public static void SigmoidBackward(DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("sigmoid_backward", OpLabel.Elements(n), 3.0 * n, OpCost.F32(3 * n)));
        Backends.For(Launch.SameDevice("sigmoid_backward", n, y, gy, gx)).SigmoidBackward(y, gy, gx, n);
    }

    public static void Tanh(DeviceBuffer x, DeviceBuffer y, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("tanh_forward", OpLabel.Elements(n), n, OpCost.F32(2 * n)));
        Backends.For(Launch.SameDevice("tanh", n, x, y)).Tanh(x, y, n);
    }

    /// <summary>gx = gy·(1 − y²) from tanh's output y</summary>
    public static void TanhBackward(DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("tanh_backward", OpLabel.Elements(n), 3.0 * n, OpCost.F32(3 * n)));
        Backends.For(Launch.SameDevice("tanh_backward", n, y, gy, gx)).TanhBackward(y, gy, gx, n);
    }

    private static void CheckSlopes(string op, DeviceBuffer x, DeviceBuffer slope, int slopes, int plane, long n)
    {
        if (slope.Device != x.Device)
            throw new ArgumentException($"{op}: slopes on {slope.Device.Info.Id} but input on {x.Device.Info.Id}; move them to one device first");
        if (slopes < 1 || plane < 1 || n % ((long)slopes * plane) != 0)
            throw new ArgumentException($"{op}: {n} elements do not split into planes of {plane} for {slopes} slopes");
        if (slope.Length < slopes)
            throw new ArgumentException($"{op}: {slopes} slopes but the slope buffer holds {slope.Length}");
    }
}
