using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Primitives;

/// <summary>The L1 loss and its backward on an EDSR x2 training batch (16×3×96×96).</summary>
internal abstract class L1LossBenchmark(bool backward) : OpBenchmark
{
    private const long Length = 16L * 3 * 96 * 96;
    private DeviceBuffer _prediction = null!, _target = null!, _loss = null!, _gradLoss = null!, _gradPrediction = null!;

    public override string Name => $"l1_loss {(backward ? "backward" : "forward")} 16x3x96x96";

    protected override void Allocate()
    {
        _prediction = Random(Length);
        _target = Random(Length);
        _loss = Empty(1);
        _gradLoss = Random(1, 1);
        _gradPrediction = Empty(Length);
    }

    public override void Run()
    {
        if (backward)
            Losses.L1Backward(_prediction, _target, _gradLoss, _gradPrediction, Length);
        else
            Losses.L1(_prediction, _target, Length, _loss);
    }
}

internal sealed class L1LossForwardBenchmark() : L1LossBenchmark(backward: false);

internal sealed class L1LossBackwardBenchmark() : L1LossBenchmark(backward: true);
