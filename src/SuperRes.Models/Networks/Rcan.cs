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

    public override Tensor Forward(Tensor x)
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

    public override Tensor Forward(Tensor x)
    {
        using var res = _body.Forward(x);
        return Ops.Add(res, x);
    }
}

/// <summary>
/// RCAN (Zhang et al. 2018) as EDSR-PyTorch builds it: 10 residual groups × 20 RCABs, channel attention with
/// reduction 16, F 64. Options: groups, blocks (per group), features, reduction, rgb_range.
/// </summary>
public sealed class Rcan : SrNetwork
{
    private readonly MeanShift _subMean;
    private readonly Sequential _head;
    private readonly Sequential _body;
    private readonly Sequential _tail;
    private readonly MeanShift _addMean;

    public Rcan(Device device, int scale, ModelOptions options) : base(device, "rcan", scale, options)
    {
        options.RequireOnly("rcan", "groups", "blocks", "features", "reduction", "rgb_range");
        Groups = options.Int("groups", 10);
        BlocksPerGroup = options.Int("blocks", 20);
        int f = options.Int("features", 64);
        int reduction = options.Int("reduction", 16);
        if (f / reduction < 1)
            throw new SuperResException($"rcan: features {f} / reduction {reduction} leaves no attention channels");
        float rgbRange = options.Float("rgb_range", 255f);
        _subMean = Register("sub_mean", new MeanShift(device, rgbRange, -1));
        _addMean = Register("add_mean", new MeanShift(device, rgbRange, +1));
        _head = Register("head", new Sequential(device, new Conv2d(device, 3, f, 3)));
        _body = Register("body", new Sequential(device));
        for (int g = 0; g < Groups; g++)
            _body.Add(new ResidualGroup(device, f, reduction, BlocksPerGroup));
        _body.Add(new Conv2d(device, f, f, 3));
        _tail = Register("tail", new Sequential(device, new Upsampler(device, scale, f), new Conv2d(device, f, 3, 3)));
    }

    public int Groups { get; }
    public int BlocksPerGroup { get; }

    public override ColorConvention Colors => ColorConvention.Rgb255;

    /// <summary>
    /// Channel attention pools over the whole image, so no finite context reproduces the untiled result exactly;
    /// the convolutional reach is reported and tiling RCAN is an approximation.
    /// </summary>
    public override int ReceptiveRadius => Groups * (2 * BlocksPerGroup + 1) + 4;

    public override Tensor Forward(Tensor x)
    {
        using var shifted = _subMean.Forward(x);
        using var head = _head.Forward(shifted);
        using var body = _body.Forward(head);
        using var res = Ops.Add(body, head);
        using var tail = _tail.Forward(res);
        return _addMean.Forward(tail);
    }
}
