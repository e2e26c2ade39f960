using SuperRes.Models.Modules;
using SuperRes.Tensors;

namespace SuperRes.Models.Networks;

/// <summary>
/// EDSR-PyTorch's frame, shared by EDSR, RCAN, MDSR and MSRN: <c>sub_mean</c> takes the DIV2K mean off the
/// [0, rgb_range] input, the network proper runs on that, and <c>add_mean</c> puts the mean back. Registers
/// the two MeanShifts first, as those networks do, so state_dict() lists the keys in PyTorch's order.
/// </summary>
public abstract class MeanShiftedNetwork : SrNetwork
{
    private readonly MeanShift _subMean;
    private readonly MeanShift _addMean;

    protected MeanShiftedNetwork(Device device, string architecture, int scale, ModelOptions options)
        : base(device, architecture, scale, options)
    {
        float rgbRange = options.Float("rgb_range", 255f);
        _subMean = Register("sub_mean", new MeanShift(device, rgbRange, -1));
        _addMean = Register("add_mean", new MeanShift(device, rgbRange, +1));
    }

    /// <summary>RGB in [0, 255] at every scale in <paramref name="scales"/>; tiles exactly unless <paramref name="inexactTilingReason"/> says why not.</summary>
    protected static NetworkCapabilities Rgb255(int[] scales, string? inexactTilingReason = null) =>
        new(ColorConvention.Rgb255, scales) { InexactTilingReason = inexactTilingReason };

    /// <summary>Fails on options the network does not take before anything is built, and returns them.</summary>
    protected static ModelOptions Checked(ModelOptions options, string architecture, IReadOnlyList<string> known)
    {
        options.RequireOnly(architecture, [.. known]);
        return options;
    }

    protected sealed override Tensor ForwardCore(Tensor x)
    {
        Tensor output;
        using (var shifted = _subMean.Forward(x))
            output = ForwardShifted(shifted);
        using (output)
            return _addMean.Forward(output);
    }

    /// <summary>The network proper, on mean-free input; returns the output before the mean is added back.</summary>
    protected abstract Tensor ForwardShifted(Tensor x);

    /// <summary><c>body(head) + head</c>, the global skip, fused into the body's last convolution where the backend can.</summary>
    protected static Tensor WithGlobalSkip(Sequential body, Tensor head) => body.Forward(head, head, 1f);
}

/// <summary>
/// EDSR and RCAN: <c>head</c> conv 3→F, <c>body</c> = the blocks and a conv F→F with a global skip, <c>tail</c>
/// = Upsampler and conv F→3 — the blocks are what differ.
/// </summary>
public abstract class HeadBodyTailNetwork : MeanShiftedNetwork
{
    private readonly Sequential _head;
    private readonly Sequential _body;
    private readonly Sequential _tail;

    protected HeadBodyTailNetwork(Device device, string architecture, int scale, ModelOptions options, int features, IEnumerable<Module> blocks)
        : base(device, architecture, scale, options)
    {
        _head = Register("head", new Sequential(device, new Conv2d(device, 3, features, 3)));
        _body = Register("body", new Sequential(device, blocks));
        _body.Add(new Conv2d(device, features, features, 3));
        _tail = Register("tail", new Sequential(device, new Upsampler(device, scale, features), new Conv2d(device, features, 3, 3)));
    }

    protected sealed override Tensor ForwardShifted(Tensor x)
    {
        Tensor res;
        using (var head = _head.Forward(x))
            res = WithGlobalSkip(_body, head);
        using (res)
            return _tail.Forward(res);
    }
}
