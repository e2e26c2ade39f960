using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Primitives;

/// <summary>batch_norm2d in training mode over SRResNet's body at a training batch (16×64×48×48): forward (statistics,
/// running update, normalisation) and backward (the reductions and the input gradient).</summary>
internal abstract class BatchNormBenchmark(bool backward) : OpBenchmark
{
    private const int Batch = 16, Channels = 64, Hw = 48 * 48;
    private const float Eps = 1e-5f;
    private DeviceBuffer _x = null!, _y = null!, _gy = null!, _gx = null!;
    private DeviceBuffer _mean = null!, _var = null!, _runningMean = null!, _runningVar = null!, _weight = null!, _bias = null!, _sumGy = null!, _sumGyXhat = null!;

    public override string Name => $"batch_norm2d {(backward ? "backward" : "forward")} {OpLabel.Channels(Batch, Channels, Hw)}";

    protected override void Allocate()
    {
        long n = (long)Batch * Channels * Hw;
        (_x, _gy, _y, _gx) = (Random(n), Random(n), Empty(n), Empty(n));
        (_weight, _bias, _runningMean) = (Random(Channels), Random(Channels), Random(Channels));
        (_mean, _var, _runningVar) = (Random(Channels), Random(Channels, offset: 2), Random(Channels, offset: 2));
        (_sumGy, _sumGyXhat) = (Empty(Channels), Empty(Channels));
    }

    public override void Run()
    {
        if (backward)
        {
            BatchNorm.BackwardReduce(_x, _mean, _var, _gy, _sumGy, _sumGyXhat, Batch, Channels, Hw, Eps);
            BatchNorm.BackwardInputTraining(_x, _mean, _var, _weight, _gy, _sumGy, _sumGyXhat, _gx, Batch, Channels, Hw, Eps);
            return;
        }
        BatchNorm.Stats(_x, _mean, _var, Batch, Channels, Hw);
        BatchNorm.UpdateRunning(_mean, _var, _runningMean, _runningVar, Channels, Batch * Hw, 0.1f);
        BatchNorm.Normalize(_x, _mean, _var, _weight, _bias, _y, Batch, Channels, Hw, Eps);
    }
}

internal sealed class BatchNormForwardBenchmark() : BatchNormBenchmark(backward: false);

internal sealed class BatchNormBackwardBenchmark() : BatchNormBenchmark(backward: true);
