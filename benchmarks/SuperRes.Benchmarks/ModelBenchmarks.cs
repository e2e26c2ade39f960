using BenchmarkDotNet.Attributes;
using SuperRes.Models.Networks;
using SuperRes.Runtime;
using SuperRes.Tensors;
using SuperRes.Tensors.Autograd;
using SuperRes.Tensors.Primitives;

namespace SuperRes.Benchmarks;

/// <summary>
/// Whole networks, the workloads of the performance anchors (shared/notes/reference-facts.md) and of
/// benchmarks/pytorch_compare.py: EDSR-baseline x2 inference on 1×3×128×128 (≈45 GFLOP; PyTorch 1.13 CPU 0.247 s
/// here), its training step on a batch of 16 48×48 patches (PyTorch 1.71 s) and FSRCNN x3's training step on 16
/// 32×32 Y patches (PyTorch 0.036 s). A training step is forward, L1 loss against a random target, backward and an
/// Adam update (lr 1e-4) of every parameter. Random weights and data. Each invocation waits for the device.
///   dotnet run -c Release --project benchmarks/SuperRes.Benchmarks -- --filter '*Model*'
/// </summary>
public class ModelBenchmarks
{
    private Device _device = null!;
    private SrNetwork _network = null!;
    private Tensor _input = null!;
    private Tensor? _target;
    private readonly List<(Tensor P, Tensor M, Tensor V)> _adam = [];
    private Tensor _one = null!;
    private long _step;

    public static IEnumerable<string> DeviceIds => BenchmarkDevices.Ids;

    [ParamsSource(nameof(DeviceIds))]
    public string Device { get; set; } = "";

    [GlobalSetup(Target = nameof(EdsrBaselineX2Forward))]
    public void SetupEdsrForward() => Setup("edsr-baseline", 2, [1, 3, 128, 128], training: false);

    [GlobalSetup(Target = nameof(EdsrBaselineX2TrainingStep))]
    public void SetupEdsrTraining() => Setup("edsr-baseline", 2, [16, 3, 48, 48], training: true);

    [GlobalSetup(Target = nameof(FsrcnnX3TrainingStep))]
    public void SetupFsrcnnTraining() => Setup("fsrcnn", 3, [16, 1, 32, 32], training: true);

    [Benchmark]
    public void EdsrBaselineX2Forward() => Forward();

    [Benchmark]
    public void EdsrBaselineX2TrainingStep() => TrainingStep();

    [Benchmark]
    public void FsrcnnX3TrainingStep() => TrainingStep();

    private void Setup(string model, int scale, int[] input, bool training)
    {
        _device = BenchmarkDevices.Open(Device);
        _network = ModelZoo.Create(_device, model, scale);
        _network.Train(training);
        float range = _network.Colors == ColorConvention.Rgb255 ? 255f : 1f;
        var rng = new Random(1);
        var shape = new Shape(input);
        _input = Tensor.FromArray(_device, shape, Values(rng, shape.Length, range));
        if (training)
        {
            var outShape = Shape.Nchw(input[0], input[1], input[2] * scale, input[3] * scale);
            _target = Tensor.FromArray(_device, outShape, Values(rng, outShape.Length, range));
            foreach (var p in _network.Parameters())
                _adam.Add((p, Tensor.Zeros(_device, p.Shape), Tensor.Zeros(_device, p.Shape)));
            _one = Tensor.Full(_device, new Shape(1), 1f);
            TrainingStep(); // kernel builds and the memory pool's first allocations happen here
        }
        else
            Forward();
    }

    private void Forward()
    {
        using (Tape.NoGrad())
        using (_network.Forward(_input))
            _device.Synchronize();
    }

    private void TrainingStep()
    {
        using (var y = _network.Forward(_input))
        using (var loss = Ops.L1Loss(y, _target!))
            loss.Backward();
        var h = AdamHyperParameters.Default(1e-4f, ++_step);
        foreach (var (p, m, v) in _adam)
        {
            Adam.Step(p.Buffer, p.Grad!.Buffer, m.Buffer, v.Buffer, _one.Buffer, p.Length, h);
            p.ZeroGrad();
        }
        _device.Synchronize();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Tape.Clear();
        foreach (var (_, m, v) in _adam)
        {
            m.Dispose();
            v.Dispose();
        }
        _adam.Clear();
        _one?.Dispose();
        _target?.Dispose();
        _input.Dispose();
        _network.Dispose();
        _device.Dispose();
    }

    private static float[] Values(Random rng, long length, float range)
    {
        var values = new float[length];
        for (long i = 0; i < length; i++)
            values[i] = rng.NextSingle() * range;
        return values;
    }
}
