using SuperRes.Models.Modules;
using SuperRes.Tensors;

namespace SuperRes.Models.Networks;

/// <summary>
/// EDSR (Lim et al. 2017) exactly as EDSR-PyTorch builds it: sub_mean, head conv, B ResBlocks + conv, global
/// skip, Upsampler + conv, add_mean. edsr-baseline: B 16, F 64, res_scale 1; edsr: B 32, F 256, res_scale 0.1.
/// Options: blocks, features, res_scale, colors (3), rgb_range (255).
/// </summary>
public sealed class Edsr : SrNetwork
{
    private readonly MeanShift _subMean;
    private readonly Sequential _head;
    private readonly Sequential _body;
    private readonly Sequential _tail;
    private readonly MeanShift _addMean;

    public Edsr(Device device, string architecture, int scale, ModelOptions options, int blocks, int features, float resScale)
        : base(device, architecture, scale, options)
    {
        options.RequireOnly(architecture, "blocks", "features", "res_scale", "rgb_range");
        Blocks = options.Int("blocks", blocks);
        int f = options.Int("features", features);
        float rs = options.Float("res_scale", resScale);
        float rgbRange = options.Float("rgb_range", 255f);
        _subMean = Register("sub_mean", new MeanShift(device, rgbRange, -1));
        _addMean = Register("add_mean", new MeanShift(device, rgbRange, +1));
        _head = Register("head", new Sequential(device, new Conv2d(device, 3, f, 3)));
        _body = Register("body", new Sequential(device));
        for (int i = 0; i < Blocks; i++)
            _body.Add(new ResBlock(device, f, 3, rs));
        _body.Add(new Conv2d(device, f, f, 3));
        _tail = Register("tail", new Sequential(device, new Upsampler(device, scale, f), new Conv2d(device, f, 3, 3)));
    }

    public int Blocks { get; }

    public override ColorConvention Colors => ColorConvention.Rgb255;

    // head 1 + two convs per block + body end 1 in LR; upsampler convs and the last conv add at most 2 more.
    public override int ReceptiveRadius => 2 * Blocks + 4;

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
