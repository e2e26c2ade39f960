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

    public override Tensor Forward(Tensor x)
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
public sealed class Msrn : SrNetwork
{
    private readonly MeanShift _subMean;
    private readonly Sequential _head;
    private readonly ModuleList _body;
    private readonly Sequential _tail;
    private readonly MeanShift _addMean;

    public Msrn(Device device, int scale, ModelOptions options) : base(device, "msrn", scale, options)
    {
        options.RequireOnly("msrn", "blocks", "features", "rgb_range");
        Blocks = options.Int("blocks", 8);
        int f = options.Int("features", 64);
        float rgbRange = options.Float("rgb_range", 255f);
        _subMean = Register("sub_mean", new MeanShift(device, rgbRange, -1));
        _addMean = Register("add_mean", new MeanShift(device, rgbRange, +1));
        _head = Register("head", new Sequential(device, new Conv2d(device, 3, f, 3)));
        _body = Register("body", new ModuleList(device, Enumerable.Range(0, Blocks).Select(_ => (Module)new Msrb(device, f))));
        _tail = Register("tail", new Sequential(device,
            new Conv2d(device, f * (Blocks + 1), f, 1),
            new Conv2d(device, f, f, 3),
            new Upsampler(device, scale, f),
            new Conv2d(device, f, 3, 3)));
    }

    public int Blocks { get; }

    public override ColorConvention Colors => ColorConvention.Rgb255;

    // Each MSRB reaches 4 pixels (two 5×5 convs); head 1, tail conv 1, upsampler and last conv ≤ 2.
    public override int ReceptiveRadius => 4 * Blocks + 4;

    public override Tensor Forward(Tensor x)
    {
        using var shifted = _subMean.Forward(x);
        var head = _head.Forward(shifted);
        var outputs = new List<Tensor>(Blocks + 1);
        try
        {
            var h = head;
            for (int i = 0; i < Blocks; i++)
            {
                h = _body[i].Forward(h);
                outputs.Add(h);
            }
            outputs.Add(head);
            using var fused = Ops.Concat([.. outputs]);
            using var tail = _tail.Forward(fused);
            return _addMean.Forward(tail);
        }
        finally
        {
            foreach (var t in outputs)
                t.Dispose();
            head.Dispose();
        }
    }
}
