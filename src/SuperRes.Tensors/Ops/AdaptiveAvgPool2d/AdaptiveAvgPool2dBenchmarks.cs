using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Primitives;

/// <summary>The SRGAN discriminator's pooling on 128×128 patches: 16×512×8×8 to 6×6 (overlapping bins), forward and backward.</summary>
internal abstract class AdaptiveAvgPool2dBenchmark(bool backward) : OpBenchmark
{
    private const int Planes = 16 * 512, H = 8, W = 8, Out = 6;
    private DeviceBuffer _x = null!, _y = null!;

    public override string Name => $"adaptive_avg_pool2d {(backward ? "backward" : "forward")} {OpLabel.Planes(Planes, H * W)} to {Out}x{Out}";

    protected override void Allocate()
    {
        _x = Random((long)Planes * H * W);
        _y = Random((long)Planes * Out * Out);
    }

    public override void Run()
    {
        if (backward)
            AdaptiveAvgPool2d.Backward(_y, _x, Planes, H, W, Out, Out);
        else
            AdaptiveAvgPool2d.Forward(_x, _y, Planes, H, W, Out, Out);
    }
}

internal sealed class AdaptiveAvgPool2dForwardBenchmark() : AdaptiveAvgPool2dBenchmark(backward: false);

internal sealed class AdaptiveAvgPool2dBackwardBenchmark() : AdaptiveAvgPool2dBenchmark(backward: true);
