using SuperRes.Models.Modules;
using SuperRes.Tensors;

namespace SuperRes.Models.Networks;

/// <summary>
/// MSRN's multi-scale residual block: parallel 3×3 and 5×5 paths, mixed twice, fused by a 1×1 conv, plus the
/// block input. Keys conv_3_1, conv_3_2, conv_5_1, conv_5_2, confusion as in MSRN-PyTorch.
/// </summary>
public sealed class Msrb : Module
{
    private readonly Conv2d _conv31, _conv32, _conv51, _conv52, _confusion;

    public Msrb(Device device, int features) : base(device)
    {
        _conv31 = Register("conv_3_1", new Conv2d(device, features, features, 3));
        _conv32 = Register("conv_3_2", new Conv2d(device, 2 * features, 2 * features, 3));
        _conv51 = Register("conv_5_1", new Conv2d(device, features, features, 5));
        _conv52 = Register("conv_5_2", new Conv2d(device, 2 * features, 2 * features, 5));
        _confusion = Register("confusion", new Conv2d(device, 4 * features, features, 1));
    }

    protected override Tensor ForwardCore(Tensor x)
    {
        using var input2 = Mix(x, _conv31, _conv51);
        using var input3 = Mix(input2, _conv32, _conv52);
        using var fused = _confusion.Forward(input3);
        return Ops.Add(fused, x);
    }

    private static Tensor Mix(Tensor x, Conv2d path3, Conv2d path5)
    {
        using var c3 = path3.Forward(x);
        using var a3 = Ops.Relu(c3);
        using var c5 = path5.Forward(x);
        using var a5 = Ops.Relu(c5);
        return Ops.Concat(a3, a5);
    }
}

/// <summary>
/// MSRN (Li et al. 2018) as MSRN-PyTorch builds it: head conv, 8 MSRBs whose outputs and the head output are
/// concatenated (hierarchical feature fusion), tail = [1×1 fusion, conv, Upsampler, conv], MeanShift around it.
/// Options: blocks (8), features (64), rgb_range (255).
/// </summary>
public sealed class Msrn : MeanShiftedNetwork
{
    public static readonly IReadOnlyList<string> OptionNames = ["blocks", "features", "rgb_range"];

    public static readonly NetworkCapabilities Supported = Rgb255([2, 3, 4]);

    private readonly Sequential _head;
    private readonly ModuleList _body;
    private readonly Sequential _tail;

    public Msrn(Device device, int scale, ModelOptions options) : base(device, "msrn", scale, Checked(options, "msrn", OptionNames))
    {
        Blocks = options.Int("blocks", 8);
        int f = options.Int("features", 64);
        _head = Register("head", new Sequential(device, new Conv2d(device, 3, f, 3)));
        _body = Register("body", new ModuleList(device, Enumerable.Range(0, Blocks).Select(_ => (Module)new Msrb(device, f))));
        _tail = Register("tail", new Sequential(device,
            new Conv2d(device, f * (Blocks + 1), f, 1),
            new Conv2d(device, f, f, 3),
            new Upsampler(device, scale, f),
            new Conv2d(device, f, 3, 3)));
    }

    public int Blocks { get; }

    public override NetworkCapabilities Capabilities => Supported;

    // Each MSRB reaches 4 pixels (two 5×5 convs); head 1, tail conv 1, upsampler and last conv ≤ 2.
    public override int ReceptiveRadius => 4 * Blocks + 4;

    // Every block's output is kept for the hierarchical fusion and freed once concatenated.
    protected override Tensor ForwardShifted(Tensor x)
    {
        var outputs = new List<Tensor>(Blocks);
        Tensor? head = null;
        Tensor fused;
        try
        {
            head = _head.Forward(x);
            var h = head;
            for (int i = 0; i < Blocks; i++)
            {
                h = _body[i].Forward(h);
                outputs.Add(h);
            }
            fused = Ops.Concat([.. outputs, head]); // MSRN-PyTorch: the block outputs, then the head output
        }
        finally
        {
            foreach (var t in outputs)
                t.Dispose();
            head?.Dispose();
        }
        using (fused)
            return _tail.Forward(fused);
    }
}
