namespace SuperRes.Tensors.Primitives;

/// <summary>
/// Element-wise arithmetic that <see cref="Elementwise"/> lacks: subtract, the residual add and the broadcast of a
/// device-resident scalar (kernels/arithmetic.cl on CUDA and OpenCL, C# loops on Cpu).
/// </summary>
public static class Arithmetic
{
    /// <summary>The buffer-level operations one backend provides; arguments are checked before they are called.</summary>
    public interface IBackend
    {
        void Subtract(DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, long n);

        void ResidualAdd(DeviceBuffer x, DeviceBuffer residual, float scale, DeviceBuffer y, long n);

        void BroadcastScalar(DeviceBuffer value, float scale, DeviceBuffer y, long n);
    }

    public static BackendTable<IBackend> Backends { get; } = new BackendTable<IBackend>("arithmetic")
        .With(new ArithmeticCpu(), BackendKind.Cpu)
        .WithKernels(new ArithmeticKernels());

    /// <summary>y = a − b</summary>
    public static void Subtract(DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("subtract", OpLabel.Elements(n), n, OpCost.F32(3 * n)));
        Backends.For(Launch.SameDevice("subtract", n, a, b, y)).Subtract(a, b, y, n);
    }

    /// <summary>y = x + scale·residual</summary>
    public static void ResidualAdd(DeviceBuffer x, DeviceBuffer residual, float scale, DeviceBuffer y, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("residual_add", OpLabel.Elements(n), 2.0 * n, OpCost.F32(3 * n)));
        Backends.For(Launch.SameDevice("residual_add", n, x, residual, y)).ResidualAdd(x, residual, scale, y, n);
    }

    /// <summary>y[0..n) = scale·value[0], with value[0] read on the device (no host round trip).</summary>
    public static void BroadcastScalar(DeviceBuffer value, float scale, DeviceBuffer y, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("broadcast_scalar", OpLabel.Elements(n), n, OpCost.F32(n + 1)));
        Launch.SameDevice("broadcast_scalar", 1, value, y);
        Backends.For(Launch.SameDevice("broadcast_scalar", n, y)).BroadcastScalar(value, scale, y, n);
    }
}
