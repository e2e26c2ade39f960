using SuperRes.Models.Modules;
using SuperRes.Models.Networks;
using SuperRes.Tensors;

namespace SuperRes.ExamplePlugin;

// --8<-- [start:plugin]
/// <summary>
/// What both example networks share: head conv 3→F, a body with a skip around it, Upsampler, conv F→3; RGB in
/// [0, 1]. Each network supplies its body, its registry entry and its receptive radius.
/// </summary>
public abstract class SkipNetwork : SrNetwork
{
    private readonly Conv2d _head;
    private readonly Sequential _body;
    private readonly Sequential _tail;

    protected SkipNetwork(Device device, ZooEntry entry, int scale, ModelOptions options, Func<int, IEnumerable<Module>> body)
        : base(device, entry.Name, scale, options)
    {
        options.RequireOnly(entry.Name, [.. entry.Options]);
        int f = options.Int("features", 16);
        _head = Register("head", new Conv2d(device, 3, f, 3));
        _body = Register("body", new Sequential(device, body(f)));
        _tail = Register("tail", new Sequential(device, new Upsampler(device, scale, f), new Conv2d(device, f, 3, 3)));
    }

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
/// A small convolutional network outside the zoo: <c>layers</c> × [conv, ReLU] as the body. Nothing pools over
/// the image, so tiles are exact. Options: features (16), layers (2).
/// </summary>
public sealed class TinyConvNet(Device device, int scale, ModelOptions options)
    : SkipNetwork(device, Entry, scale, options, f => Enumerable.Range(0, options.Int("layers", 2))
        .SelectMany(_ => new Module[] { new Conv2d(device, f, f, 3), new Relu(device) }))
{
    public static readonly ZooEntry Entry = new(
        "tiny-conv", "Example plugin: 3×3 convs and a skip, no global pooling (tiles exactly)",
        new NetworkCapabilities(ColorConvention.Rgb01, [2, 3, 4]),
        (device, scale, options) => new TinyConvNet(device, scale, options)) { Options = ["features", "layers"] };

    public int Layers { get; } = options.Int("layers", 2);

    public override NetworkCapabilities Capabilities => Entry.Capabilities;

    // One LR pixel per 3×3 conv in LR (head, layers, the upsampler's first conv), and less than one more for the
    // convs after the first PixelShuffle, which work on finer pixels.
    public override int ReceptiveRadius => Layers + 3;
}

/// <summary>
/// The same with a channel-attention block in the body (global average pool → 1×1 convs → sigmoid → scale), as
/// RCAN does: every output pixel depends on the whole image, so the network declares that tiling is inexact and
/// the upscaler warns when it has to tile. Options: features (16), reduction (4).
/// </summary>
public sealed class TinyAttentionNet(Device device, int scale, ModelOptions options)
    : SkipNetwork(device, Entry, scale, options, f =>
        [new Conv2d(device, f, f, 3), new Relu(device), new ChannelAttention(device, f, options.Int("reduction", 4))])
{
    public static readonly ZooEntry Entry = new(
        "tiny-attention", "Example plugin: convs and channel attention (global pooling: tiles approximately)",
        new NetworkCapabilities(ColorConvention.Rgb01, [2, 3, 4])
        {
            InexactTilingReason = "its channel attention averages each feature map over the whole image",
        },
        (device, scale, options) => new TinyAttentionNet(device, scale, options)) { Options = ["features", "reduction"] };

    public override NetworkCapabilities Capabilities => Entry.Capabilities;

    // The convolutions' reach; the attention's pooling reaches the whole image (hence InexactTilingReason).
    public override int ReceptiveRadius => 4;
}

/// <summary>What <c>superres --plugin SuperRes.ExamplePlugin.dll</c> and <see cref="ModelPlugins.Load"/> find and register.</summary>
public sealed class ExampleNetworks : IModelPlugin
{
    public IEnumerable<ZooEntry> Networks => [TinyConvNet.Entry, TinyAttentionNet.Entry];
}
// --8<-- [end:plugin]
