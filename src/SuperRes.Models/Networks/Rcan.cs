using SuperRes.Models.Modules;
using SuperRes.Tensors;

namespace SuperRes.Models.Networks;

/// <summary>RCAN's residual channel-attention block: body = [conv, ReLU, conv, CALayer], output x + body(x).</summary>
public sealed class Rcab : Module
{
    private readonly Sequential _body;

    public Rcab(Device device, int features, int reduction) : base(device)
    {
        _body = Register("body", new Sequential(device,
            new Conv2d(device, features, features, 3),
            new Relu(device),
            new Conv2d(device, features, features, 3),
            new ChannelAttention(device, features, reduction)));
    }

    protected override Tensor ForwardCore(Tensor x)
    {
        using var res = _body.Forward(x);
        return Ops.Add(res, x);
    }
}

/// <summary>RCAN's residual group: body = [R RCABs, conv], output x + body(x).</summary>
public sealed class ResidualGroup : Module
{
    private readonly Sequential _body;

    public ResidualGroup(Device device, int features, int reduction, int blocks) : base(device)
    {
        _body = Register("body", new Sequential(device));
        for (int i = 0; i < blocks; i++)
            _body.Add(new Rcab(device, features, reduction));
        _body.Add(new Conv2d(device, features, features, 3));
    }

    protected override Tensor ForwardCore(Tensor x)
    {
        using var res = _body.Forward(x);
        return Ops.Add(res, x);
    }
}

/// <summary>
/// RCAN (Zhang et al. 2018) as EDSR-PyTorch builds it: 10 residual groups × 20 RCABs, channel attention with
/// reduction 16, F 64. Options: groups, blocks (per group), features, reduction, rgb_range.
/// </summary>
public sealed class Rcan(Device device, int scale, ModelOptions options)
    : HeadBodyTailNetwork(device, "rcan", scale, Checked(options, "rcan", OptionNames), Features(options), ResidualGroups(device, options))
{
    public static readonly IReadOnlyList<string> OptionNames = ["groups", "blocks", "features", "reduction", "rgb_range"];

    /// <summary>
    /// Channel attention pools over the whole image, so no finite context reproduces the untiled result exactly;
    /// the convolutional reach is reported as the receptive radius and tiling RCAN is an approximation.
    /// </summary>
    public static readonly NetworkCapabilities Supported =
        Rgb255([2, 3, 4], "its channel attention averages each feature map over the whole image");

    public int Groups { get; } = options.Int("groups", 10);

    public int BlocksPerGroup { get; } = options.Int("blocks", 20);

    public override NetworkCapabilities Capabilities => Supported;

    public override int ReceptiveRadius => Groups * (2 * BlocksPerGroup + 1) + 4;

    private static int Features(ModelOptions options) => options.Int("features", 64);

    private static IEnumerable<Module> ResidualGroups(Device device, ModelOptions options)
    {
        int f = Features(options), reduction = options.Int("reduction", 16);
        if (f / reduction < 1)
            throw new SuperResException($"rcan: features {f} / reduction {reduction} leaves no attention channels");
        int groups = options.Int("groups", 10), blocks = options.Int("blocks", 20);
        return Enumerable.Range(0, groups).Select(_ => (Module)new ResidualGroup(device, f, reduction, blocks));
    }
}
