using SuperRes.Models.Modules;
using SuperRes.Tensors;

namespace SuperRes.Models.Networks;

/// <summary>
/// SRCNN 9-5-5 (Dong et al. 2014) with 64/32 filters on the Y channel in [0, 1], input pre-upsampled by
/// bicubic. Keys conv1, conv2, conv3 as in the widely used SRCNN-pytorch (yjn870). Options: features (64),
/// features2 (32), channels (1).
/// </summary>
public sealed class Srcnn : SrNetwork
{
    private readonly Conv2d _conv1, _conv2, _conv3;

    public Srcnn(Device device, int scale, ModelOptions options) : base(device, "srcnn", scale, options)
    {
        options.RequireOnly("srcnn", [.. OptionNames]);
        int f1 = options.Int("features", 64), f2 = options.Int("features2", 32), c = options.Int("channels", 1);
        _conv1 = Register("conv1", new Conv2d(device, c, f1, 9));
        _conv2 = Register("conv2", new Conv2d(device, f1, f2, 5));
        _conv3 = Register("conv3", new Conv2d(device, f2, c, 5));
    }

    public static readonly IReadOnlyList<string> OptionNames = ["features", "features2", "channels"];

    public static readonly NetworkCapabilities Supported = new(ColorConvention.Y01, [2, 3, 4]) { NeedsPreUpsampledInput = true };

    public override NetworkCapabilities Capabilities => Supported;

    // 9×9, 5×5, 5×5 reach 4 + 2 + 2 = 8 pixels of the bicubic-upscaled input, i.e. ceil(8 / scale) LR pixels
    // (the tiler multiplies by the scale for this network's input).
    public override int ReceptiveRadius => (8 + Scale - 1) / Scale;

    protected override Tensor ForwardCore(Tensor x)
    {
        Tensor a1, a2;
        using (var c1 = _conv1.Forward(x))
            a1 = Ops.Relu(c1);
        using (a1)
        using (var c2 = _conv2.Forward(a1))
            a2 = Ops.Relu(c2);
        using (a2)
            return _conv3.Forward(a2);
    }
}

/// <summary>
/// FSRCNN(d, s, m) (Dong et al. 2016) on the Y channel in [0, 1]: feature extraction 5×5 + PReLU, shrinking
/// 1×1, m mapping 3×3 layers, expanding 1×1 (PReLU per channel after each), 9×9 transposed-conv deconvolution
/// with stride = scale. Keys first_part, mid_part, last_part as in FSRCNN-pytorch (yjn870).
/// Options: d (56), s (12), m (4), channels (1), padding (zeros | replicate).
/// </summary>
public sealed class Fsrcnn : SrNetwork
{
    private readonly Sequential _first;
    private readonly Sequential _mid;
    private readonly ConvTranspose2d _last;

    public Fsrcnn(Device device, int scale, ModelOptions options) : base(device, "fsrcnn", scale, options)
    {
        options.RequireOnly("fsrcnn", [.. OptionNames]);
        int d = options.Int("d", 56), s = options.Int("s", 12), c = options.Int("channels", 1);
        Mapping = options.Int("m", 4);
        var padding = options.String("padding", "zeros") switch
        {
            "zeros" => PaddingMode.Zeros,
            "replicate" => PaddingMode.Replicate,
            var other => throw new SuperResException($"fsrcnn padding '{other}': use zeros or replicate"),
        };
        _first = Register("first_part", new Sequential(device, new Conv2d(device, c, d, 5, padding: padding), new PRelu(device, d)));
        _mid = Register("mid_part", new Sequential(device, new Conv2d(device, d, s, 1), new PRelu(device, s)));
        for (int i = 0; i < Mapping; i++)
        {
            _mid.Add(new Conv2d(device, s, s, 3, padding: padding));
            _mid.Add(new PRelu(device, s));
        }
        _mid.Add(new Conv2d(device, s, d, 1));
        _mid.Add(new PRelu(device, d));
        _last = Register("last_part", new ConvTranspose2d(device, d, c, 9, stride: scale, padding: 4, outputPadding: scale - 1));
    }

    public static readonly IReadOnlyList<string> OptionNames = ["d", "s", "m", "channels", "padding"];

    public static readonly NetworkCapabilities Supported = new(ColorConvention.Y01, [2, 3, 4]);

    public int Mapping { get; }

    public override NetworkCapabilities Capabilities => Supported;

    // 5×5 → 2, m 3×3 → m; the 9×9 stride-s deconvolution (padding 4) builds HR pixel j·s + r from LR pixels
    // j − ⌊(4 − r)/s⌋ … j + ⌊(r + 4)/s⌋, at most ⌊(s + 3)/s⌋ away (2 for x2 and x3, 1 for x4).
    public override int ReceptiveRadius => 2 + Mapping + (Scale + 3) / Scale;

    // The 56-channel feature map is released once the shrinking layer has read it, not kept beside the mapping
    // layers' Winograd workspaces: about 320 instead of 510 bytes per input pixel at the peak.
    protected override Tensor ForwardCore(Tensor x)
    {
        using var mid = _mid.ForwardReleasingInput(_first.Forward(x));
        return _last.Forward(mid);
    }
}
