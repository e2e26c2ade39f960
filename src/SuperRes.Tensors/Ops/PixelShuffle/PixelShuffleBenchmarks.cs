using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Primitives;

/// <summary>r = 2 on 1×256×128×128 ↔ 1×64×256×256 (64 MiB each way): EDSR-baseline x2's upsampler at 128² input.</summary>
internal abstract class PixelShuffleBenchmark(bool backward) : OpBenchmark
{
    private const int R = 2, Planes = 64, H = 128, W = 128;
    private DeviceBuffer _deep = null!, _wide = null!;

    public override string Name => $"pixel_shuffle {(backward ? "backward" : "forward")} {Planes * R * R}→{Planes} {H}x{W} r{R}";

    protected override void Allocate()
    {
        _deep = Random((long)Planes * R * R * H * W);
        _wide = Random((long)Planes * R * R * H * W);
    }

    // The backward pass is the unshuffle of the output gradient that the autograd node runs.
    public override void Run()
    {
        if (backward)
            PixelShuffle.Unshuffle(_wide, _deep, Planes, H, W, R);
        else
            PixelShuffle.Shuffle(_deep, _wide, Planes, H, W, R);
    }
}

internal sealed class PixelShuffleForwardBenchmark() : PixelShuffleBenchmark(backward: false);

internal sealed class PixelShuffleBackwardBenchmark() : PixelShuffleBenchmark(backward: true);
