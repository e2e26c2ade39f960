namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The buffer-level operations of a convolution whose sizes are a <typeparamref name="TShape"/>: the forward pass
/// and the gradients of its three operands. <see cref="Conv2d"/> and <see cref="ConvTranspose2d"/> each register
/// one implementation per backend.
/// </summary>
public interface IConvolutionBackend<in TShape> where TShape : IConvolutionShape
{
    /// <summary>y = the convolution of x with weight, plus bias (or not).</summary>
    void Forward(TShape s, DeviceBuffer x, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer y);

    /// <summary>gx = ∂(Σ gy·y)/∂x.</summary>
    void InputGrad(TShape s, DeviceBuffer gy, DeviceBuffer weight, DeviceBuffer gx);

    /// <summary>gw = ∂(Σ gy·y)/∂weight.</summary>
    void WeightGrad(TShape s, DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gw);

    /// <summary>gb[co] = Σ gy[n, co, :, :] over the batch and the output plane.</summary>
    void BiasGrad(TShape s, DeviceBuffer gy, DeviceBuffer gb);
}

/// <summary>The lengths of a convolution's operands: x, weight, bias (<see cref="Cout"/>) and y.</summary>
public interface IConvolutionShape
{
    long InputLength { get; }

    long WeightLength { get; }

    int Cout { get; }

    long OutputLength { get; }
}

/// <summary>The timed, checked entry points of one convolution, as its autograd node and its benchmarks call them.</summary>
internal sealed record ConvolutionEntryPoints<TShape>(
    Action<TShape, DeviceBuffer, DeviceBuffer, DeviceBuffer?, DeviceBuffer> Forward,
    Action<TShape, DeviceBuffer, DeviceBuffer, DeviceBuffer> InputGrad,
    Action<TShape, DeviceBuffer, DeviceBuffer, DeviceBuffer> WeightGrad,
    Action<TShape, DeviceBuffer, DeviceBuffer> BiasGrad) where TShape : IConvolutionShape;

internal static class ConvolutionOperands
{
    /// <summary>The device of the operands (a null bias skipped), after checking that they share it and that each holds its length.</summary>
    public static Device OneDevice(string op, params ReadOnlySpan<(DeviceBuffer? Buffer, long Length)> operands)
    {
        Device? device = null;
        foreach (var (buffer, length) in operands)
        {
            if (buffer is null)
                continue;
            device ??= buffer.Device;
            Launch.SameDevice(op, length, buffer);
            if (buffer.Device != device)
                throw new ArgumentException($"{op}: buffers on {device.Info.Id} and {buffer.Device.Info.Id}; move them to one device first");
        }
        return device!;
    }
}
