namespace SuperRes.Tensors.Primitives;

/// <summary>
/// Dense layers over row-major buffers, with PyTorch's <c>nn.Linear</c> layout: x [batch, in], weight [out, in],
/// bias [out], y [batch, out]. kernels/linear.cl (one tiled product for the forward and both gradients) on CUDA and
/// OpenCL; <c>CpuGemm</c> products parallelised over independent output blocks on the Cpu.
/// </summary>
public static class Linear
{
    /// <summary>The buffer-level operations one backend provides; sizes are checked before they are called.</summary>
    public interface IBackend
    {
        /// <summary>y = x·Wᵀ (+ b)</summary>
        void Forward(DeviceBuffer x, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer y, int batch, int inFeatures, int outFeatures);

        /// <summary>gx = gy·W</summary>
        void InputGrad(DeviceBuffer gy, DeviceBuffer weight, DeviceBuffer gx, int batch, int inFeatures, int outFeatures);

        /// <summary>gW = gyᵀ·x</summary>
        void WeightGrad(DeviceBuffer gy, DeviceBuffer x, DeviceBuffer gw, int batch, int inFeatures, int outFeatures);

        /// <summary>gb = Σ over the batch of gy</summary>
        void BiasGrad(DeviceBuffer gy, DeviceBuffer gb, int batch, int outFeatures);
    }

    public static BackendTable<IBackend> Backends { get; } = new BackendTable<IBackend>("linear")
        .With(new LinearCpu(), BackendKind.Cpu)
        .WithKernels(new LinearKernels());

    public static void Forward(DeviceBuffer x, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer y, int batch, int inFeatures, int outFeatures)
    {
        using var op = Time("linear_forward", batch, inFeatures, outFeatures);
        var device = Check("linear_forward", batch, inFeatures, outFeatures, x: x, weight: weight, y: y);
        if (bias is not null)
            Launch.SameDevice("linear_forward", outFeatures, bias, y);
        Backends.For(device).Forward(x, weight, bias, y, batch, inFeatures, outFeatures);
    }

    public static void InputGrad(DeviceBuffer gy, DeviceBuffer weight, DeviceBuffer gx, int batch, int inFeatures, int outFeatures)
    {
        using var op = Time("linear_input_grad", batch, inFeatures, outFeatures);
        var device = Check("linear_input_grad", batch, inFeatures, outFeatures, x: gx, weight: weight, y: gy);
        Backends.For(device).InputGrad(gy, weight, gx, batch, inFeatures, outFeatures);
    }

    public static void WeightGrad(DeviceBuffer gy, DeviceBuffer x, DeviceBuffer gw, int batch, int inFeatures, int outFeatures)
    {
        using var op = Time("linear_weight_grad", batch, inFeatures, outFeatures);
        var device = Check("linear_weight_grad", batch, inFeatures, outFeatures, x: x, weight: gw, y: gy);
        Backends.For(device).WeightGrad(gy, x, gw, batch, inFeatures, outFeatures);
    }

    public static void BiasGrad(DeviceBuffer gy, DeviceBuffer gb, int batch, int outFeatures)
    {
        using var op = OpTimer.Start((batch, outFeatures), static s => new OpCost("linear_bias_grad", $"{s.batch}×{s.outFeatures}", (double)s.batch * s.outFeatures, OpCost.F32((long)s.batch * s.outFeatures + s.outFeatures)));
        Launch.SameDevice("linear_bias_grad", (long)batch * outFeatures, gy);
        Backends.For(Launch.SameDevice("linear_bias_grad", outFeatures, gb, gy)).BiasGrad(gy, gb, batch, outFeatures);
    }

    private static OpTimer.Scope Time(string name, int batch, int inFeatures, int outFeatures) =>
        OpTimer.Start((name, batch, inFeatures, outFeatures), static s => new OpCost(s.name, $"{s.batch}×{s.inFeatures}→{s.outFeatures}",
            2.0 * s.batch * s.inFeatures * s.outFeatures, OpCost.F32((long)s.batch * s.inFeatures + (long)s.inFeatures * s.outFeatures + (long)s.batch * s.outFeatures)));

    /// <summary>One device for all three buffers, each long enough for its matrix.</summary>
    private static Device Check(string op, int batch, int inFeatures, int outFeatures, DeviceBuffer x, DeviceBuffer weight, DeviceBuffer y)
    {
        if (batch < 1 || inFeatures < 1 || outFeatures < 1)
            throw new ArgumentOutOfRangeException(nameof(batch), $"{op}: sizes batch={batch} in={inFeatures} out={outFeatures} must be ≥ 1");
        Launch.SameDevice(op, (long)batch * inFeatures, x);
        Launch.SameDevice(op, (long)outFeatures * inFeatures, weight);
        Launch.SameDevice(op, (long)batch * outFeatures, y);
        return Launch.SameDevice(op, 1, y, x, weight);
    }
}
