namespace SuperRes.Tensors.Primitives;

/// <summary>
/// Binary cross-entropy on logits with mean reduction, ℓ = mean(max(x, 0) − x·t + log(1 + e^−|x|)) for targets t in
/// [0, 1] (hard labels or soft ones), reduced on the device into a one-element buffer; its backwards read the upstream
/// gradient on the device. kernels/bce_with_logits.cl plus reduce.cl's final pass on CUDA and OpenCL, C# in double on
/// the Cpu.
/// </summary>
public static class BceWithLogits
{
    /// <summary>The buffer-level operations one backend provides; arguments are checked before they are called.</summary>
    public interface IBackend
    {
        /// <summary>result[0] = mean ℓ(x, t)</summary>
        void Mean(DeviceBuffer x, DeviceBuffer t, long n, DeviceBuffer result);

        /// <summary>gx = gy[0]·(σ(x) − t) / n</summary>
        void LogitsBackward(DeviceBuffer x, DeviceBuffer t, DeviceBuffer gy, DeviceBuffer gx, long n);

        /// <summary>gt = −gy[0]·x / n</summary>
        void TargetBackward(DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gt, long n);
    }

    public static BackendTable<IBackend> Backends { get; } = new BackendTable<IBackend>("bce_with_logits")
        .With(new BceWithLogitsCpu(), BackendKind.Cpu)
        .WithKernels(new BceWithLogitsKernels());

    public static void Mean(DeviceBuffer x, DeviceBuffer t, long n, DeviceBuffer result)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("bce_logits_partial", OpLabel.Elements(n), 6.0 * n, OpCost.F32(2 * n + ReduceKernels.Groups(n))));
        Launch.SameDevice("bce_with_logits", 1, x, result);
        Backends.For(Launch.SameDevice("bce_with_logits", n, x, t)).Mean(x, t, n, result);
    }

    public static void LogitsBackward(DeviceBuffer x, DeviceBuffer t, DeviceBuffer gy, DeviceBuffer gx, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("bce_logits_backward", OpLabel.Elements(n), 5.0 * n, OpCost.F32(3 * n + 1)));
        Launch.SameDevice("bce_logits_backward", 1, x, gy);
        Backends.For(Launch.SameDevice("bce_logits_backward", n, x, t, gx)).LogitsBackward(x, t, gy, gx, n);
    }

    public static void TargetBackward(DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gt, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("bce_logits_target_backward", OpLabel.Elements(n), n, OpCost.F32(2 * n + 1)));
        Launch.SameDevice("bce_logits_target_backward", 1, x, gy);
        Backends.For(Launch.SameDevice("bce_logits_target_backward", n, x, gt)).TargetBackward(x, gy, gt, n);
    }
}
