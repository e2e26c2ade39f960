using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Primitives;

/// <summary>One fused Adam update, tensor by tensor as the optimizer runs it, over the given parameter sizes.</summary>
internal abstract class AdamBenchmark(string label, params long[] sizes) : OpBenchmark
{
    private readonly List<(DeviceBuffer P, DeviceBuffer G, DeviceBuffer M, DeviceBuffer V, long N)> _tensors = [];
    private DeviceBuffer _one = null!;
    private long _step;

    public override string Name => $"adam_step {label}";

    protected override void Allocate()
    {
        _tensors.Clear();
        _one = Random(1);
        Device.Write(_one, [1f]);
        foreach (long n in sizes)
            _tensors.Add((Random(n), Random(n), Random(n), Random(n, offset: 2), n));
    }

    public override void Run()
    {
        var h = AdamHyperParameters.Default(1e-4, ++_step);
        foreach (var (p, g, m, v, n) in _tensors)
            Adam.Step(p, g, m, v, _one, n, h);
    }
}

/// <summary>Every parameter of EDSR-baseline x2 (1,369,859 values in 72 tensors).</summary>
internal sealed class AdamEdsrBaselineBenchmark() : AdamBenchmark("EDSR-baseline x2 (72 tensors)", EdsrBaselineX2())
{
    // Head 3→64, 16 blocks × 2 convs 64→64, body end 64→64, upsampler 64→256, tail 64→3 (3×3, with biases).
    private static long[] EdsrBaselineX2() =>
        [.. new[] { (3, 64) }.Concat(Enumerable.Repeat((64, 64), 33)).Concat([(64, 256), (64, 3)])
            .SelectMany(layer => new[] { (long)layer.Item2 * layer.Item1 * 9, layer.Item2 })];
}

/// <summary>One 4M-value tensor, for scale.</summary>
internal sealed class AdamLargeTensorBenchmark() : AdamBenchmark("n=4194304", 4L << 20);
