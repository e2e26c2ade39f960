namespace SuperRes.Tensors.Primitives;

/// <summary>
/// Mean losses of a prediction against a target, reduced on the device into a one-element buffer, and their
/// backwards, which read the upstream gradient on the device (kernels/losses.cl plus reduce.cl's final pass on
/// CUDA and OpenCL, C# on Cpu).
/// </summary>
public static class Losses
{
    /// <summary>Which loss: both are functions of d = p − t.</summary>
    public enum Kind
    {
        L1,
        Mse,
    }

    /// <summary>The buffer-level operations one backend provides; arguments are checked before they are called.</summary>
    public interface IBackend
    {
        /// <summary>result[0] = mean of the loss's term of p − t</summary>
        void Mean(Kind kind, DeviceBuffer p, DeviceBuffer t, long n, DeviceBuffer result);

        /// <summary>gp = scale·gy[0]·sign(p − t) for L1, scale·gy[0]·(p − t) for MSE</summary>
        void Backward(Kind kind, float scale, DeviceBuffer p, DeviceBuffer t, DeviceBuffer gy, DeviceBuffer gp, long n);
    }

    public static BackendTable<IBackend> Backends { get; } = new BackendTable<IBackend>("losses")
        .With(new LossesCpu(), BackendKind.Cpu)
        .WithKernels(new LossesKernels());

    /// <summary>result[0] = mean |p − t|</summary>
    public static void L1(DeviceBuffer p, DeviceBuffer t, long n, DeviceBuffer result) => Mean(Kind.L1, p, t, n, result);

    /// <summary>result[0] = mean (p − t)²</summary>
    public static void Mse(DeviceBuffer p, DeviceBuffer t, long n, DeviceBuffer result) => Mean(Kind.Mse, p, t, n, result);

    /// <summary>gp = gy[0]·sign(p − t) / n, with sign(0) = 0</summary>
    public static void L1Backward(DeviceBuffer p, DeviceBuffer t, DeviceBuffer gy, DeviceBuffer gp, long n) =>
        Backward(Kind.L1, 1f / n, p, t, gy, gp, n);

    /// <summary>gp = gy[0]·2(p − t) / n</summary>
    public static void MseBackward(DeviceBuffer p, DeviceBuffer t, DeviceBuffer gy, DeviceBuffer gp, long n) =>
        Backward(Kind.Mse, 2f / n, p, t, gy, gp, n);

    /// <summary>The kernel (and profile label) of a loss's first pass.</summary>
    internal static string PartialName(Kind kind) => kind == Kind.L1 ? "l1_partial" : "mse_partial";

    internal static string BackwardName(Kind kind) => kind == Kind.L1 ? "l1_backward" : "mse_backward";

    private static void Mean(Kind kind, DeviceBuffer p, DeviceBuffer t, long n, DeviceBuffer result)
    {
        string name = PartialName(kind);
        using var op = OpTimer.Start((name, n), static s => new OpCost(s.name, OpLabel.Elements(s.n), 3.0 * s.n, OpCost.F32(2 * s.n + ReduceKernels.Groups(s.n))));
        Launch.SameDevice(name, 1, p, result);
        Backends.For(Launch.SameDevice(name, n, p, t)).Mean(kind, p, t, n, result);
    }

    private static void Backward(Kind kind, float scale, DeviceBuffer p, DeviceBuffer t, DeviceBuffer gy, DeviceBuffer gp, long n)
    {
        string name = BackwardName(kind);
        using var op = OpTimer.Start((name, n), static s => new OpCost(s.name, OpLabel.Elements(s.n), 3.0 * s.n, OpCost.F32(3 * s.n + 1)));
        Launch.SameDevice(name, 1, p, gy);
        Backends.For(Launch.SameDevice(name, n, p, t, gp)).Backward(kind, scale, p, t, gy, gp, n);
    }
}
