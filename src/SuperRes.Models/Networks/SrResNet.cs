using SuperRes.Models.Modules;
using SuperRes.Tensors;

namespace SuperRes.Models.Networks;

/// <summary>SRResNet's residual block: conv (no bias), BN, PReLU, conv (no bias), BN, plus the input. Keys rcb.{0..4}.</summary>
public sealed class ResidualConvBlock : Module
{
    private readonly Sequential _rcb;

    public ResidualConvBlock(Device device, int features) : base(device)
    {
        _rcb = Register("rcb", new Sequential(device,
            new Conv2d(device, features, features, 3, bias: false),
            new BatchNorm2d(device, features),
            new PRelu(device),
            new Conv2d(device, features, features, 3, bias: false),
            new BatchNorm2d(device, features)));
    }

    protected override Tensor ForwardCore(Tensor x)
    {
        using var res = _rcb.Forward(x);
        return Ops.Add(res, x);
    }
}

/// <summary>SRResNet's upsampling block: conv F→4F, PixelShuffle(2), PReLU. Key upsample_block.{0,2}.</summary>
public sealed class UpsampleBlock : Module
{
    private readonly Sequential _block;

    public UpsampleBlock(Device device, int features) : base(device)
    {
        _block = Register("upsample_block", new Sequential(device,
            new Conv2d(device, features, 4 * features, 3),
            new PixelShuffle(device, 2),
            new PRelu(device)));
    }

    protected override Tensor ForwardCore(Tensor x) => _block.Forward(x);
}

/// <summary>
/// SRResNet (Ledig et al. 2017): 9×9 conv + PReLU, 16 residual blocks with BatchNorm, conv + BN with a skip
/// from the first layer, log2(scale) × [conv, PixelShuffle(2), PReLU], 9×9 conv. RGB in [0, 1]. Keys as in
/// the widely used SRGAN-PyTorch (Lornatang): conv1, trunk, conv2, upsampling, conv3. Scales 2 and 4.
/// Options: blocks (16), features (64).
/// </summary>
public sealed class SrResNet : SrNetwork
{
    private readonly Sequential _conv1, _trunk, _conv2, _upsampling;
    private readonly Conv2d _conv3;

    public SrResNet(Device device, int scale, ModelOptions options) : base(device, "srresnet", scale, options)
    {
        if (scale is not (2 or 4))
            throw new SuperResException($"srresnet supports scales 2 and 4, not {scale}");
        options.RequireOnly("srresnet", [.. OptionNames]);
        Blocks = options.Int("blocks", 16);
        int f = options.Int("features", 64);
        _conv1 = Register("conv1", new Sequential(device, new Conv2d(device, 3, f, 9), new PRelu(device)));
        _trunk = Register("trunk", new Sequential(device, Enumerable.Range(0, Blocks).Select(_ => (Module)new ResidualConvBlock(device, f))));
        _conv2 = Register("conv2", new Sequential(device, new Conv2d(device, f, f, 3, bias: false), new BatchNorm2d(device, f)));
        _upsampling = Register("upsampling", new Sequential(device, Enumerable.Range(0, scale / 2).Select(_ => (Module)new UpsampleBlock(device, f))));
        _conv3 = Register("conv3", new Conv2d(device, f, 3, 9));
    }

    public static readonly IReadOnlyList<string> OptionNames = ["blocks", "features"];

    public static readonly NetworkCapabilities Supported = new(ColorConvention.Rgb01, [2, 4]);

    public int Blocks { get; }

    public override NetworkCapabilities Capabilities => Supported;

    /// <summary>In training mode BatchNorm uses batch statistics, so only eval-mode inference tiles exactly.</summary>
    /// <remarks>
    /// 9×9 head 4, two 3×3 per block, conv2 1, the first upsampling conv 1 (all in LR): 2B + 6; the second
    /// upsampling conv (x4) adds half an LR pixel and the 9×9 conv3 4 HR pixels: 2 LR at x2, 1.5 at x4.
    /// </remarks>
    public override int ReceptiveRadius => 2 * Blocks + 8;

    protected override Tensor ForwardCore(Tensor x)
    {
        Tensor res, up;
        using (var head = _conv1.Forward(x))
        {
            Tensor conv2;
            using (var trunk = _trunk.Forward(head))
                conv2 = _conv2.Forward(trunk);
            using (conv2)
                res = Ops.Add(conv2, head);
        }
        using (res)
            up = _upsampling.Forward(res);
        using (up)
            return _conv3.Forward(up);
    }
}
