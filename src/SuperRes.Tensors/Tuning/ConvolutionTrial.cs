namespace SuperRes.Tensors.Tuning;

/// <summary>An <see cref="OpTrial"/> of a convolution-like forward pass y = f(x, weight) + bias.</summary>
internal static class ConvolutionTrial
{
    /// <summary>(x, weight, bias, y) → y = f(x, weight) + bias.</summary>
    public delegate void Apply(DeviceBuffer x, DeviceBuffer weight, DeviceBuffer bias, DeviceBuffer y);

    public static OpTrial Create(KernelDevice device, Device reference, (long X, long Weight, long Bias, long Y) lengths, double flops,
        Apply op, Action<DeviceBuffer, DeviceBuffer, DeviceBuffer, DeviceBuffer, KernelDefines> run) =>
        new(device, reference, OpTrial.RandomInputs(lengths.X, lengths.Weight, lengths.Bias), [lengths.Y], flops,
            (i, o) => op(i[0], i[1], i[2], o[0]), (i, o, p) => run(i[0], i[1], i[2], o[0], p));
}
