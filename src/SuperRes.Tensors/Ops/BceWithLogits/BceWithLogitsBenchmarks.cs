using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Primitives;

/// <summary>The loss over a patch discriminator's logits (16×1×96×96), forward and the logits' gradient.</summary>
internal abstract class BceWithLogitsBenchmark(bool backward) : OpBenchmark
{
    private const long Length = 16L * 96 * 96;
    private DeviceBuffer _logits = null!, _target = null!, _loss = null!, _gradLoss = null!, _gradLogits = null!;

    public override string Name => $"bce_with_logits {(backward ? "backward" : "forward")} 16x1x96x96";

    protected override void Allocate()
    {
        _logits = Random(Length);
        _target = Random(Length, offset: 1); // in [0, 2): the sums do not care that it is no probability
        _loss = Empty(1);
        _gradLoss = Random(1, 1);
        _gradLogits = Empty(Length);
    }

    public override void Run()
    {
        if (backward)
            BceWithLogits.LogitsBackward(_logits, _target, _gradLoss, _gradLogits, Length);
        else
            BceWithLogits.Mean(_logits, _target, Length, _loss);
    }
}

internal sealed class BceWithLogitsForwardBenchmark() : BceWithLogitsBenchmark(backward: false);

internal sealed class BceWithLogitsBackwardBenchmark() : BceWithLogitsBenchmark(backward: true);
