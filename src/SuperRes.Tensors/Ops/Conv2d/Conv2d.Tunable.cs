using SuperRes.Runtime.Tuning;
using SuperRes.Tensors.Tuning;
using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Primitives;

/// <summary>conv2d's forward kernel for <c>superres tune</c>: the zoo's layer shapes, one per shape class.</summary>
internal sealed class Conv2dForwardTunable : TunableKernel
{
    private static readonly TuningCase[] ZooCases =
    [
        Case("3x3 64→64 96x96 (EDSR, SRResNet, RCAN body)", 64, 96, 64, 3),
        Case("3x3 64→256 96x96 (x2/x4 upsampler)", 64, 96, 256, 3),
        Case("3x3 3→64 128x128 (head)", 3, 128, 64, 3),
        Case("3x3 64→3 128x128 (tail)", 64, 128, 3, 3),
        Case("5x5 1→56 128x128 (FSRCNN feature extraction)", 1, 128, 56, 5),
        Case("1x1 56→12 128x128 (FSRCNN shrink)", 56, 128, 12, 1),
        Case("3x3 12→12 128x128 (FSRCNN mapping)", 12, 128, 12, 3),
        Case("1x1 12→56 128x128 (FSRCNN expand)", 12, 128, 56, 1),
        Case("9x9 1→64 128x128 (SRCNN)", 1, 128, 64, 9),
    ];

    public override TuningSpace Space => Conv2dForwardTuning.Space;

    public override IReadOnlyList<TuningCase> Cases => ZooCases;

    public override KernelDefines Default(KernelDevice device, TuningCase c) => Conv2dForwardTuning.Default(device.Class, Shape(c));

    public override string? Illegal(KernelDevice device, TuningCase c, KernelDefines parameters) =>
        Conv2dForwardTuning.Illegal(device, Shape(c), parameters);

    public override ITuningTrial Prepare(KernelDevice device, Device reference, TuningCase c) => new Trial(device, reference, Shape(c));

    private static Conv2dShape Shape(TuningCase c) => (Conv2dShape)c.Shape;

    private static TuningCase Case(string label, int cin, int side, int cout, int k)
    {
        var shape = new Conv2dShape(1, cin, side, side, cout, k, 1, PaddingMode.Zeros);
        return new TuningCase(label, Conv2dForwardTuning.ShapeClass(shape), shape);
    }

    private sealed class Trial : ITuningTrial
    {
        private readonly Conv2dShape _shape;
        private readonly CheckContext _buffers;
        private readonly DeviceBuffer _x, _weight, _bias, _y;
        private readonly float[] _expected;

        public Trial(KernelDevice device, Device reference, Conv2dShape s)
        {
            _shape = s;
            var rng = new Random(1);
            float[] x = RandomData.Uniform(rng, s.InputLength), weight = RandomData.Uniform(rng, s.WeightLength), bias = RandomData.Uniform(rng, s.Cout);
            using (var cpu = new CheckContext(reference))
            {
                var y = cpu.Output(s.OutputLength);
                Conv2d.Forward(s, cpu.Input(x), cpu.Input(weight), cpu.Input(bias), y);
                _expected = cpu.Read(y);
            }
            _buffers = new CheckContext(device);
            (_x, _weight, _bias, _y) = (_buffers.Input(x), _buffers.Input(weight), _buffers.Input(bias), _buffers.Output(s.OutputLength));
        }

        public double Flops => 2.0 * _shape.OutputLength * _shape.Cin * _shape.K * _shape.K;

        public void Run(KernelDefines parameters) => Conv2dKernels.Forward(_shape, _x, _weight, _bias, _y, parameters);

        public double Check(KernelDefines parameters)
        {
            var poison = new float[_shape.OutputLength];
            Array.Fill(poison, float.NaN);
            _buffers.Device.Write(_y, poison);
            Run(parameters);
            return Accuracy.RelativeError(_buffers.Read(_y), _expected);
        }

        public void Dispose() => _buffers.Dispose();
    }
}
