using SuperRes.Models.Modules;
using SuperRes.Models.Networks;
using SuperRes.Tensors;

namespace SuperRes.ExamplePlugin;

// --8<-- [start:plugin]
/// <summary>
/// A small convolutional network outside the zoo: head conv 3→F, <c>layers</c> × [conv, ReLU] with a skip,
/// Upsampler, conv F→3. RGB in [0, 1]. Nothing pools over the image, so tiles are exact.
/// Options: features (16), layers (2).
/// </summary>
public sealed class TinyConvNet : SrNetwork
{
    public static readonly ZooEntry Entry = new(
        "tiny-conv", "Example plugin: 3×3 convs and a skip, no global pooling (tiles exactly)",
        new NetworkCapabilities(ColorConvention.Rgb01, [2, 3, 4]),
        (device, scale, options) => new TinyConvNet(device, scale, options)) { Options = ["features", "layers"] };

    private readonly Conv2d _head;
    private readonly Sequential _body;
    private readonly Sequential _tail;

    public TinyConvNet(Device device, int scale, ModelOptions options) : base(device, Entry.Name, scale, options)
    {
        options.RequireOnly(Entry.Name, [.. Entry.Options]);
        int f = options.Int("features", 16);
        Layers = options.Int("layers", 2);
        _head = Register("head", new Conv2d(device, 3, f, 3));
        _body = Register("body", new Sequential(device));
        for (int i = 0; i < Layers; i++)
        {
            _body.Add(new Conv2d(device, f, f, 3));
            _body.Add(new Relu(device));
        }
        _tail = Register("tail", new Sequential(device, new Upsampler(device, scale, f), new Conv2d(device, f, 3, 3)));
    }

    public int Layers { get; }

    public override NetworkCapabilities Capabilities => Entry.Capabilities;

    // One LR pixel per 3×3 conv in LR (head, layers, the upsampler's first conv), and less than one more for the
    // convs after the first PixelShuffle, which work on finer pixels.
    public override int ReceptiveRadius => Layers + 3;

    protected override Tensor ForwardCore(Tensor x)
    {
        Tensor features;
        using (var head = _head.Forward(x))
        using (var body = _body.Forward(head))
            features = Ops.Add(body, head);
        using (features)
            return _tail.Forward(features);
    }
}

/// <summary>
/// The same with a channel-attention block after the body (global average pool → 1×1 convs → sigmoid → scale),
/// as RCAN does: every output pixel depends on the whole image, so the network declares that tiling is inexact
/// and the upscaler warns when it has to tile. Options: features (16), reduction (4).
/// </summary>
public sealed class TinyAttentionNet : SrNetwork
{
    public static readonly ZooEntry Entry = new(
        "tiny-attention", "Example plugin: convs and channel attention (global pooling: tiles approximately)",
        new NetworkCapabilities(ColorConvention.Rgb01, [2, 3, 4])
        {
            InexactTilingReason = "its channel attention averages each feature map over the whole image",
        },
        (device, scale, options) => new TinyAttentionNet(device, scale, options)) { Options = ["features", "reduction"] };

    private readonly Conv2d _head;
    private readonly Sequential _body;
    private readonly Sequential _tail;

    public TinyAttentionNet(Device device, int scale, ModelOptions options) : base(device, Entry.Name, scale, options)
    {
        options.RequireOnly(Entry.Name, [.. Entry.Options]);
        int f = options.Int("features", 16);
        _head = Register("head", new Conv2d(device, 3, f, 3));
        _body = Register("body", new Sequential(device,
            new Conv2d(device, f, f, 3),
            new Relu(device),
            new ChannelAttention(device, f, options.Int("reduction", 4))));
        _tail = Register("tail", new Sequential(device, new Upsampler(device, scale, f), new Conv2d(device, f, 3, 3)));
    }

    public override NetworkCapabilities Capabilities => Entry.Capabilities;

    // The convolutions' reach; the attention's pooling reaches the whole image (hence InexactTilingReason).
    public override int ReceptiveRadius => 4;

    protected override Tensor ForwardCore(Tensor x)
    {
        Tensor features;
        using (var head = _head.Forward(x))
        using (var body = _body.Forward(head))
            features = Ops.Add(body, head);
        using (features)
            return _tail.Forward(features);
    }
}

/// <summary>What <c>superres --plugin SuperRes.ExamplePlugin.dll</c> and <see cref="ModelPlugins.Load"/> find and register.</summary>
public sealed class ExampleNetworks : IModelPlugin
{
    public IEnumerable<ZooEntry> Networks => [TinyConvNet.Entry, TinyAttentionNet.Entry];
}
// --8<-- [end:plugin]
