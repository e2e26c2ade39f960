using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Primitives;

/// <summary>FSRCNN's per-channel PReLU on a training batch (16×56×32×32): forward, input gradient and slope gradient.</summary>
internal abstract class PreluBenchmark(string pass) : OpBenchmark
{
    private const int Slopes = 56, Plane = 32 * 32;
    private const long Length = 16L * Slopes * Plane;
    private DeviceBuffer _x = null!, _slope = null!, _gy = null!, _y = null!, _gslope = null!;

    public override string Name => $"prelu {pass} 16x{Slopes}x32x32";

    protected override void Allocate()
    {
        _x = Random(Length);
        _slope = Random(Slopes, 0.25f);
        _gy = Random(Length);
        _y = Empty(Length);
        _gslope = Empty(Slopes);
    }

    public override void Run()
    {
        switch (pass)
        {
            case "forward":
                Activations.Prelu(_x, _slope, Slopes, Plane, _y, Length);
                break;
            case "backward":
                Activations.PreluBackward(_x, _slope, Slopes, Plane, _gy, _y, Length);
                break;
            default:
                Activations.PreluSlopeGradient(_x, _gy, Slopes, Plane, _gslope, Length);
                break;
        }
    }
}

internal sealed class PreluForwardBenchmark() : PreluBenchmark("forward");

internal sealed class PreluBackwardBenchmark() : PreluBenchmark("backward");

internal sealed class PreluSlopeGradientBenchmark() : PreluBenchmark("slope-gradient");
