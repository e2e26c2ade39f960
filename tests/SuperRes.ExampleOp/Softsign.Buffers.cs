using SuperRes.Tensors.Backends;

namespace SuperRes.ExampleOp;

/// <summary>softsign over flat buffers: one implementation per backend, chosen by the device's backend kind.</summary>
public static class SoftsignBuffers
{
    public interface IBackend
    {
        void Forward(DeviceBuffer x, DeviceBuffer y, long n);

        void Backward(DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gx, long n);
    }

    public static BackendTable<IBackend> Backends { get; } = new BackendTable<IBackend>("softsign")
        .With(new SoftsignCpu(), BackendKind.Cpu)
        .WithKernels(new SoftsignKernels());

    public static void Forward(DeviceBuffer x, DeviceBuffer y, long n) =>
        Backends.For(Launch.SameDevice("softsign", n, x, y)).Forward(x, y, n);

    public static void Backward(DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gx, long n) =>
        Backends.For(Launch.SameDevice("softsign_backward", n, x, gy, gx)).Backward(x, gy, gx, n);
}
