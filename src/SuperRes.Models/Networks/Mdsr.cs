using SuperRes.Models.Modules;
using SuperRes.Tensors;

namespace SuperRes.Models.Networks;

/// <summary>
/// MDSR (Lim et al. 2017) as EDSR-PyTorch builds it: one network for x2, x3 and x4 with per-scale
/// pre-processing (two ResBlocks with 5×5 convs) and per-scale upsamplers around a shared body.
/// mdsr-baseline: B 16; mdsr: B 80; F 64. <see cref="SelectScale"/> picks the branch the next forward uses.
/// </summary>
public sealed class Mdsr : SrNetwork
{
    public static readonly int[] SupportedScales = [2, 3, 4];

    private readonly MeanShift _subMean;
    private readonly Sequential _head;
    private readonly ModuleList _preProcess;
    private readonly Sequential _body;
    private readonly ModuleList _upsample;
    private readonly Sequential _tail;
    private readonly MeanShift _addMean;

    public Mdsr(Device device, string architecture, int scale, ModelOptions options, int blocks)
        : base(device, architecture, scale, options)
    {
        options.RequireOnly(architecture, "blocks", "features", "rgb_range");
        Blocks = options.Int("blocks", blocks);
        int f = options.Int("features", 64);
        float rgbRange = options.Float("rgb_range", 255f);
        _subMean = Register("sub_mean", new MeanShift(device, rgbRange, -1));
        _addMean = Register("add_mean", new MeanShift(device, rgbRange, +1));
        // Registered in mdsr.py's order (pre_process and upsample are assigned before head, body and tail),
        // so state_dict() lists the keys as PyTorch does.
        _preProcess = Register("pre_process", new ModuleList(device,
            SupportedScales.Select(_ => (Module)new Sequential(device, new ResBlock(device, f, 5), new ResBlock(device, f, 5)))));
        _upsample = Register("upsample", new ModuleList(device, SupportedScales.Select(s => (Module)new Upsampler(device, s, f))));
        _head = Register("head", new Sequential(device, new Conv2d(device, 3, f, 3)));
        _body = Register("body", new Sequential(device));
        for (int i = 0; i < Blocks; i++)
            _body.Add(new ResBlock(device, f, 3));
        _body.Add(new Conv2d(device, f, f, 3));
        _tail = Register("tail", new Sequential(device, new Conv2d(device, f, 3, 3)));
        SelectScale(scale);
    }

    public int Blocks { get; }

    public override ColorConvention Colors => ColorConvention.Rgb255;

    public override int ReceptiveRadius => 2 * Blocks + 8 + 4;

    public void SelectScale(int scale)
    {
        if (!SupportedScales.Contains(scale))
            throw new SuperResException($"{Architecture} supports scales {string.Join(", ", SupportedScales)}, not {scale}");
        Scale = scale;
    }

    /// <summary>The modules that only one scale uses (its pre-processing and upsampler).</summary>
    public IEnumerable<Module> ScaleSpecificModules(int scale)
    {
        int i = Array.IndexOf(SupportedScales, scale);
        return [_preProcess[i], _upsample[i]];
    }

    public override Tensor Forward(Tensor x)
    {
        int branch = Array.IndexOf(SupportedScales, Scale);
        using var shifted = _subMean.Forward(x);
        using var head = _head.Forward(shifted);
        using var pre = _preProcess[branch].Forward(head);
        using var body = _body.Forward(pre);
        using var res = Ops.Add(body, pre);
        using var up = _upsample[branch].Forward(res);
        using var tail = _tail.Forward(up);
        return _addMean.Forward(tail);
    }
}
