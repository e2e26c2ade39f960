using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Primitives;

/// <summary>The SRGAN discriminator's first dense layer on a batch of 16: 512·6·6 → 1024, forward and the weight gradient.</summary>
internal abstract class LinearBenchmark(bool backward) : OpBenchmark
{
    private const int Batch = 16, In = 512 * 6 * 6, Out = 1024;
    private DeviceBuffer _x = null!, _weight = null!, _bias = null!, _y = null!, _gw = null!;

    public override string Name => $"linear {(backward ? "weight_grad" : "forward")} {Batch}×{In}→{Out}";

    protected override void Allocate()
    {
        _x = Random((long)Batch * In);
        _weight = Random((long)Out * In);
        _bias = Random(Out);
        _y = Random((long)Batch * Out);
        _gw = Empty((long)Out * In);
    }

    public override void Run()
    {
        if (backward)
            Linear.WeightGrad(_y, _x, _gw, Batch, In, Out);
        else
            Linear.Forward(_x, _weight, _bias, _y, Batch, In, Out);
    }
}

internal sealed class LinearForwardBenchmark() : LinearBenchmark(backward: false);

internal sealed class LinearWeightGradBenchmark() : LinearBenchmark(backward: true);
