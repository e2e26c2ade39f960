using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Tuning;

/// <summary>
/// A tuning trial of an op over flat buffers: random inputs on the device, the reference outputs computed once
/// through the op's own entry points on the reference device, and the device run with explicit parameters. An op
/// with several outputs (a layer's gradients) is checked on all of them: the error is the largest of theirs.
/// </summary>
internal sealed class OpTrial : ITuningTrial
{
    /// <summary>Computes the outputs from the inputs (on whichever device the buffers live).</summary>
    public delegate void Apply(DeviceBuffer[] inputs, DeviceBuffer[] outputs);

    /// <summary>The same on the tuned device with explicit parameters.</summary>
    public delegate void ApplyWith(DeviceBuffer[] inputs, DeviceBuffer[] outputs, KernelDefines parameters);

    private readonly CheckContext _buffers;
    private readonly DeviceBuffer[] _inputs, _outputs;
    private readonly float[][] _expected;
    private readonly ApplyWith _run;

    public OpTrial(KernelDevice device, Device reference, float[][] inputs, long[] outputLengths, double flops, Apply op, ApplyWith run)
    {
        Flops = flops;
        _run = run;
        using (var cpu = new CheckContext(reference))
        {
            var outputs = outputLengths.Select(cpu.Output).ToArray();
            op([.. inputs.Select(cpu.Input)], outputs);
            _expected = [.. outputs.Select(cpu.Read)];
        }
        _buffers = new CheckContext(device);
        _inputs = [.. inputs.Select(_buffers.Input)];
        _outputs = [.. outputLengths.Select(_buffers.Output)];
    }

    /// <summary>Uniform random values in [−1, 1) of the given lengths, the same for every trial.</summary>
    public static float[][] RandomInputs(params long[] lengths)
    {
        var rng = new Random(1);
        return [.. lengths.Select(n => RandomData.Uniform(rng, n))];
    }

    public double Flops { get; }

    public void Run(KernelDefines parameters) => _run(_inputs, _outputs, parameters);

    public double Check(KernelDefines parameters)
    {
        foreach (var output in _outputs)
        {
            var poison = new float[output.Length];
            Array.Fill(poison, float.NaN);
            _buffers.Device.Write(output, poison);
        }
        Run(parameters);
        return _outputs.Select((output, i) => Accuracy.RelativeError(_buffers.Read(output), _expected[i])).Max();
    }

    public void Dispose() => _buffers.Dispose();
}
