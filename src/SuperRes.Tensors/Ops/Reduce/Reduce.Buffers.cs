namespace SuperRes.Tensors.Primitives;

/// <summary>Reductions to a single value that stays on the device (kernels/reduce.cl on CUDA and OpenCL, C# on Cpu).</summary>
public static class Reduce
{
    /// <summary>The buffer-level operations one backend provides; arguments are checked before they are called.</summary>
    public interface IBackend
    {
        void Sum(DeviceBuffer x, long n, DeviceBuffer result);
    }

    public static BackendTable<IBackend> Backends { get; } = new BackendTable<IBackend>("sum")
        .With(new ReduceCpu(), BackendKind.Cpu)
        .WithKernels(new ReduceKernels());

    /// <summary>result[0] = Σ x[0..n). Any n ≥ 1.</summary>
    public static void Sum(DeviceBuffer x, long n, DeviceBuffer result)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("sum_partial", OpLabel.Elements(n), n, OpCost.F32(n + ReduceKernels.Groups(n))));
        Launch.SameDevice("sum", 1, x, result);
        Backends.For(Launch.SameDevice("sum", n, x)).Sum(x, n, result);
    }
}
