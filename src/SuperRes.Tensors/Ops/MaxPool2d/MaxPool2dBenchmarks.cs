using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Primitives;

/// <summary>VGG19's first pooling on a 16×64×96×96 batch of HR patches (the feature loss of SRGAN), forward and backward.</summary>
internal abstract class MaxPool2dBenchmark(bool backward) : OpBenchmark
{
    private const int Planes = 16 * 64, H = 96, W = 96;
    private DeviceBuffer _x = null!, _y = null!, _gx = null!;

    public override string Name => $"max_pool2d {(backward ? "backward" : "forward")} {OpLabel.Planes(Planes, H * W)} k2 s2";

    protected override void Allocate()
    {
        _x = Random((long)Planes * H * W);
        _y = Random((long)Planes * (H / 2) * (W / 2));
        _gx = Empty((long)Planes * H * W);
    }

    public override void Run()
    {
        if (backward)
            MaxPool2d.Backward(_x, _y, _gx, Planes, H, W, 2, 2);
        else
            MaxPool2d.Forward(_x, _y, Planes, H, W, 2, 2);
    }
}

internal sealed class MaxPool2dForwardBenchmark() : MaxPool2dBenchmark(backward: false);

internal sealed class MaxPool2dBackwardBenchmark() : MaxPool2dBenchmark(backward: true);
