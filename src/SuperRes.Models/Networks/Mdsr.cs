using SuperRes.Models.Modules;
using SuperRes.Tensors;

namespace SuperRes.Models.Networks;

/// <summary>
/// MDSR (Lim et al. 2017) as EDSR-PyTorch builds it: one network for x2, x3 and x4 with per-scale
/// pre-processing (two ResBlocks with 5×5 convs) and per-scale upsamplers around a shared body.
/// mdsr-baseline: B 16; mdsr: B 80; F 64. <see cref="SrNetwork.SelectScale"/> picks the branch the next forward uses.
/// </summary>
public sealed class Mdsr : MeanShiftedNetwork
{
    public static readonly int[] SupportedScales = [2, 3, 4];

    public static readonly IReadOnlyList<string> OptionNames = ["blocks", "features", "rgb_range"];

    public static readonly NetworkCapabilities Supported = Rgb255(SupportedScales) with { IsMultiScale = true };

    private readonly Sequential _head;
    private readonly ModuleList _preProcess;
    private readonly Sequential _body;
    private readonly ModuleList _upsample;
    private readonly Sequential _tail;

    public Mdsr(Device device, string architecture, int scale, ModelOptions options, int blocks)
        : base(device, architecture, scale, Checked(options, architecture, OptionNames))
    {
        if (!SupportedScales.Contains(scale))
            throw new SuperResException($"{architecture} supports scales {string.Join(", ", SupportedScales)}, not {scale}");
        Blocks = options.Int("blocks", blocks);
        int f = options.Int("features", 64);
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
    }

    public int Blocks { get; }

    public override NetworkCapabilities Capabilities => Supported;

    public override int ReceptiveRadius => 2 * Blocks + 8 + 4;

    protected override Tensor ForwardShifted(Tensor x)
    {
        int branch = Array.IndexOf(SupportedScales, Scale);
        Tensor pre, res;
        using (var head = _head.Forward(x))
            pre = _preProcess[branch].Forward(head);
        using (pre)
            res = WithGlobalSkip(_body, pre);
        Tensor up;
        using (res)
            up = _upsample[branch].Forward(res);
        using (up)
            return _tail.Forward(up);
    }
}
