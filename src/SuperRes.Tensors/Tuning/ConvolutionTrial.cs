using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Tuning;

/// <summary>
/// A tuning trial of a convolution-like op y = f(x, weight, bias): random inputs on the device, the reference output
/// computed once through the op's own entry point on the reference device, and the device run with explicit parameters.
/// </summary>
internal sealed class ConvolutionTrial : ITuningTrial
{
    /// <summary>(x, weight, bias, y) → y = f(x, weight) + bias.</summary>
    public delegate void Apply(DeviceBuffer x, DeviceBuffer weight, DeviceBuffer bias, DeviceBuffer y);

    private readonly CheckContext _buffers;
    private readonly DeviceBuffer _x, _weight, _bias, _y;
    private readonly float[] _expected;
    private readonly Action<DeviceBuffer, DeviceBuffer, DeviceBuffer, DeviceBuffer, KernelDefines> _run;

    public ConvolutionTrial(KernelDevice device, Device reference, (long X, long Weight, long Bias, long Y) lengths, double flops,
        Apply op, Action<DeviceBuffer, DeviceBuffer, DeviceBuffer, DeviceBuffer, KernelDefines> run)
    {
        Flops = flops;
        _run = run;
        var rng = new Random(1);
        float[] x = RandomData.Uniform(rng, lengths.X), weight = RandomData.Uniform(rng, lengths.Weight), bias = RandomData.Uniform(rng, lengths.Bias);
        using (var cpu = new CheckContext(reference))
        {
            var y = cpu.Output(lengths.Y);
            op(cpu.Input(x), cpu.Input(weight), cpu.Input(bias), y);
            _expected = cpu.Read(y);
        }
        _buffers = new CheckContext(device);
        (_x, _weight, _bias, _y) = (_buffers.Input(x), _buffers.Input(weight), _buffers.Input(bias), _buffers.Output(lengths.Y));
    }

    public double Flops { get; }

    public void Run(KernelDefines parameters) => _run(_x, _weight, _bias, _y, parameters);

    public double Check(KernelDefines parameters)
    {
        var poison = new float[_expected.Length];
        Array.Fill(poison, float.NaN);
        _buffers.Device.Write(_y, poison);
        Run(parameters);
        return Accuracy.RelativeError(_buffers.Read(_y), _expected);
    }

    public void Dispose() => _buffers.Dispose();
}
