using System.Globalization;
using System.Text.RegularExpressions;
using SuperRes.Models.Modules;
using SuperRes.Tensors;

namespace SuperRes.Models.Networks;

/// <summary>
/// torchvision's <c>vgg19().features</c> cut after a chosen layer: 3×3 convolutions (padding 1, bias) each followed by
/// ReLU, 2×2 max pooling between the five blocks of 2, 2, 4, 4, 4 convolutions of 64, 128, 256, 512, 512 channels.
/// Children keep torchvision's indices, so the keys are <c>features.N.weight</c>/<c>features.N.bias</c> and a
/// torchvision checkpoint loads (<see cref="VggFeatureLoss.Load"/>). The widths can be divided (a checkpoint with
/// 1/16 of the channels for tests). Takes ImageNet-normalised RGB; <see cref="VggFeatureLoss"/> normalises.
/// </summary>
public sealed partial class Vgg19Features : Module
{
    /// <summary>torchvision's configuration "E": convolution widths, 0 for a max pooling.</summary>
    private static readonly int[] Layout = [64, 64, 0, 128, 128, 0, 256, 256, 256, 256, 0, 512, 512, 512, 512, 0, 512, 512, 512, 512, 0];

    private readonly Sequential _features;

    /// <param name="layers">How many modules of <c>features</c> to keep (<c>features[:layers]</c>): 36 ends after relu5_4 (the SRGAN paper's φ5,4), 35 after conv5_4 (ESRGAN's features before activation).</param>
    /// <param name="widthDivisor">Divides every width (1 = torchvision's).</param>
    public Vgg19Features(Device device, int layers, int widthDivisor = 1) : base(device)
    {
        if (layers < 1 || layers > ModuleCount)
            throw new SuperResException($"vgg19 features: {layers} layers asked, torchvision's vgg19 has 1 to {ModuleCount}");
        if (widthDivisor < 1 || 64 % widthDivisor != 0)
            throw new SuperResException($"vgg19 features: width divisor {widthDivisor} does not divide 64");
        Layers = layers;
        WidthDivisor = widthDivisor;
        var modules = new List<Module>();
        int channels = 3;
        foreach (int width in Layout)
        {
            if (width == 0)
            {
                modules.Add(new Modules.MaxPool2d(device, 2));
                continue;
            }
            modules.Add(new Conv2d(device, channels, width / widthDivisor, 3));
            modules.Add(new Relu(device));
            channels = width / widthDivisor;
        }
        foreach (var unused in modules.Skip(layers))
            unused.Dispose();
        _features = Register("features", new Sequential(device, modules.Take(layers)));
    }

    /// <summary>Modules in torchvision's <c>vgg19().features</c>: 16 convolutions, 16 ReLUs, 5 poolings.</summary>
    public const int ModuleCount = 37;

    public int Layers { get; }

    public int WidthDivisor { get; }

    /// <summary>Channels of the output feature map.</summary>
    public int OutputChannels => _features.Modules().OfType<Conv2d>().Last().OutChannels;

    /// <summary>
    /// <c>features[:n]</c> for a layer name: <c>relu5_4</c> (the SRGAN paper's φ5,4; also <c>vgg54</c>, and
    /// <c>vgg22</c> for φ2,2), <c>conv5_4</c> (ESRGAN's before-activation features), any <c>relu</c>/<c>conv</c>
    /// block_index of VGG19, <c>pool</c>1–5, or a plain module count.
    /// </summary>
    public static int LayersFor(string layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        string name = layer.Trim().ToLowerInvariant();
        if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int count) && count is >= 1 and <= ModuleCount)
            return count;
        var m = LayerName().Match(name);
        if (m.Success)
        {
            bool named = m.Groups[2].Success;
            string kind = named ? m.Groups[2].Value : "relu";
            int block = Digit(m.Groups[named ? 3 : 5]);
            int index = named ? (m.Groups[4].Success ? Digit(m.Groups[4]) : 0) : Digit(m.Groups[6]);
            if (ModuleIndex(kind, block, index) is { } at)
                return at + 1;
        }
        throw new SuperResException($"vgg19 layer '{layer}': not one of relu5_4 (vgg54), conv5_4, vgg22, relu/conv<block>_<index>, pool<block>, or 1..{ModuleCount}");
    }

    private static int Digit(Group g) => int.Parse(g.Value, CultureInfo.InvariantCulture);

    // vgg54 / relu5_4 / conv5_4 / pool3
    [GeneratedRegex(@"^((relu|conv|pool)(\d)(?:_(\d))?|vgg(\d)(\d))$")]
    private static partial Regex LayerName();

    /// <summary>Index in <c>features</c> of a named module, or null when VGG19 has no such layer.</summary>
    private static int? ModuleIndex(string kind, int block, int index)
    {
        int at = 0, currentBlock = 1, convInBlock = 0;
        foreach (int width in Layout)
        {
            if (width == 0)
            {
                if (kind == "pool" && currentBlock == block && index == 0)
                    return at;
                at++;
                currentBlock++;
                convInBlock = 0;
                continue;
            }
            convInBlock++;
            if (currentBlock == block && convInBlock == index && kind != "pool")
                return kind == "conv" ? at : at + 1;
            at += 2;
        }
        return null;
    }

    protected override Tensor ForwardCore(Tensor x) => _features.Forward(x);
}
