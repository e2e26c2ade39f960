namespace SuperRes.Tensors.Primitives;

/// <summary>
/// Element-wise ops over flat buffers: fill, copy, scale, axpy, add, multiply and ReLU with its backward
/// (kernels/elementwise.cl on CUDA and OpenCL, C# loops on Cpu).
/// </summary>
public static class Elementwise
{
    /// <summary>The buffer-level operations one backend provides; arguments are checked before they are called.</summary>
    public interface IBackend
    {
        void Fill(DeviceBuffer y, float value, long n);

        void Copy(DeviceBuffer x, DeviceBuffer y, long n);

        void Scale(DeviceBuffer x, float a, DeviceBuffer y, long n);

        void Axpy(float a, DeviceBuffer x, DeviceBuffer y, long n);

        void Add(DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, long n);

        void Multiply(DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, long n);

        void Relu(DeviceBuffer x, DeviceBuffer y, long n);

        void ReluBackward(DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx, long n);
    }

    public static BackendTable<IBackend> Backends { get; } = new BackendTable<IBackend>("elementwise")
        .With(new ElementwiseCpu(), BackendKind.Cpu)
        .WithKernels(new ElementwiseKernels());

    public static void Fill(DeviceBuffer y, float value, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("fill", OpLabel.Elements(n), 0, OpCost.F32(n)));
        Backends.For(Launch.SameDevice("fill", n, y)).Fill(y, value, n);
    }

    public static void Copy(DeviceBuffer x, DeviceBuffer y, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("copy", OpLabel.Elements(n), 0, OpCost.F32(2 * n)));
        Backends.For(Launch.SameDevice("copy", n, x, y)).Copy(x, y, n);
    }

    /// <summary>y = a·x</summary>
    public static void Scale(DeviceBuffer x, float a, DeviceBuffer y, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("scale", OpLabel.Elements(n), n, OpCost.F32(2 * n)));
        Backends.For(Launch.SameDevice("scale", n, x, y)).Scale(x, a, y, n);
    }

    /// <summary>y += a·x</summary>
    public static void Axpy(float a, DeviceBuffer x, DeviceBuffer y, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("axpy", OpLabel.Elements(n), 2.0 * n, OpCost.F32(3 * n)));
        Backends.For(Launch.SameDevice("axpy", n, x, y)).Axpy(a, x, y, n);
    }

    /// <summary>y = a + b</summary>
    public static void Add(DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("add", OpLabel.Elements(n), n, OpCost.F32(3 * n)));
        Backends.For(Launch.SameDevice("add", n, a, b, y)).Add(a, b, y, n);
    }

    /// <summary>y = a · b (element-wise)</summary>
    public static void Multiply(DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("multiply", OpLabel.Elements(n), n, OpCost.F32(3 * n)));
        Backends.For(Launch.SameDevice("multiply", n, a, b, y)).Multiply(a, b, y, n);
    }

    /// <summary>y = max(x, 0)</summary>
    public static void Relu(DeviceBuffer x, DeviceBuffer y, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("relu", OpLabel.Elements(n), n, OpCost.F32(2 * n)));
        Backends.For(Launch.SameDevice("relu", n, x, y)).Relu(x, y, n);
    }

    /// <summary>gx = gy where y &gt; 0, else 0 (y is relu's output).</summary>
    public static void ReluBackward(DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("relu_backward", OpLabel.Elements(n), n, OpCost.F32(3 * n)));
        Backends.For(Launch.SameDevice("relu_backward", n, y, gy, gx)).ReluBackward(y, gy, gx, n);
    }
}
