using SuperRes.Tensors;

namespace SuperRes.Models.Modules;

/// <summary>
/// EDSR's ResBlock: body = [conv, ReLU, conv], output x + res_scale · body(x). State dict keys
/// <c>body.0.*</c> and <c>body.2.*</c> as in EDSR-PyTorch.
/// </summary>
public sealed class ResBlock : Module
{
    private readonly Sequential _body;

    public ResBlock(Device device, int features, int kernelSize = 3, float resScale = 1f) : base(device)
    {
        ResScale = resScale;
        _body = Register("body", new Sequential(device,
            new Conv2d(device, features, features, kernelSize),
            new Relu(device),
            new Conv2d(device, features, features, kernelSize)));
    }

    public float ResScale { get; }

    // x + res_scale · body(x), the add fused into the second convolution's output loop where the backend can.
    protected override Tensor ForwardCore(Tensor x) => _body.Forward(x, x, ResScale);
}

/// <summary>
/// EDSR's Upsampler: scale 2^n → n × [conv F→4F, PixelShuffle(2)]; scale 3 → [conv F→9F, PixelShuffle(3)].
/// </summary>
public sealed class Upsampler : Sequential
{
    public Upsampler(Device device, int scale, int features, int kernelSize = 3) : base(device)
    {
        if (scale == 3)
        {
            Add(new Conv2d(device, features, 9 * features, kernelSize));
            Add(new PixelShuffle(device, 3));
            return;
        }
        if (scale < 2 || (scale & (scale - 1)) != 0)
            throw new ArgumentException($"upsampler scale {scale}: only 2, 3, 4, 8, … are supported");
        for (int s = scale; s > 1; s /= 2)
        {
            Add(new Conv2d(device, features, 4 * features, kernelSize));
            Add(new PixelShuffle(device, 2));
        }
    }
}

/// <summary>
/// EDSR's MeanShift: a frozen 1×1 conv that subtracts (sign −1) or adds (sign +1) the dataset mean, in the
/// [0, rgb_range] scale. Kept as buffers <c>weight</c> [3,3,1,1] and <c>bias</c> [3] so EDSR-PyTorch checkpoints
/// load; computed as a per-channel affine since the weight is diagonal.
/// </summary>
public sealed class MeanShift : Module
{
    public static readonly float[] Div2kMean = [0.4488f, 0.4371f, 0.4040f];

    public MeanShift(Device device, float rgbRange, int sign, float[]? mean = null, float[]? std = null) : base(device)
    {
        mean ??= Div2kMean;
        std ??= [1f, 1f, 1f];
        var weight = new float[9];
        var bias = new float[3];
        for (int c = 0; c < 3; c++)
        {
            weight[c * 3 + c] = 1f / std[c];
            bias[c] = sign * rgbRange * mean[c] / std[c];
        }
        Weight = RegisterBuffer("weight", Tensor.FromArray(device, new Shape(3, 3, 1, 1), weight));
        BiasBuffer = RegisterBuffer("bias", Tensor.FromArray(device, new Shape(3), bias));
        OnStateLoaded();
    }

    public Tensor Weight { get; }
    public Tensor BiasBuffer { get; }

    private float[] _scale = [];
    private float[] _shift = [];

    protected override Tensor ForwardCore(Tensor x) => Ops.ChannelAffine(x, _scale, _shift);

    // Host copies of the constants, refreshed when a checkpoint is loaded, so forward needs no device read.
    // Only the diagonal of the 1×1 conv weight is ever non-zero.
    protected internal override void OnStateLoaded()
    {
        var w = Weight.ToArray();
        _scale = [w[0], w[4], w[8]];
        _shift = BiasBuffer.ToArray();
    }
}

/// <summary>
/// RCAN's channel attention (CALayer): global average pool → 1×1 conv C→C/r → ReLU → 1×1 conv C/r→C → sigmoid,
/// then x · weights. Keys <c>conv_du.0.*</c> and <c>conv_du.2.*</c>.
/// </summary>
public sealed class ChannelAttention : Module
{
    private readonly Sequential _convDu;

    public ChannelAttention(Device device, int channels, int reduction = 16) : base(device)
    {
        _convDu = Register("conv_du", new Sequential(device,
            new Conv2d(device, channels, channels / reduction, 1),
            new Relu(device),
            new Conv2d(device, channels / reduction, channels, 1),
            new Sigmoid(device)));
    }

    protected override Tensor ForwardCore(Tensor x)
    {
        using var pooled = Ops.GlobalAvgPool(x);
        using var weights = _convDu.Forward(pooled);
        return Ops.ChannelMultiply(x, weights);
    }
}
