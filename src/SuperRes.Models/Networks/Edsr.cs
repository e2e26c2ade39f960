using SuperRes.Models.Modules;

namespace SuperRes.Models.Networks;

/// <summary>
/// EDSR (Lim et al. 2017) exactly as EDSR-PyTorch builds it: sub_mean, head conv, B ResBlocks + conv, global
/// skip, Upsampler + conv, add_mean. edsr-baseline: B 16, F 64, res_scale 1; edsr: B 32, F 256, res_scale 0.1.
/// Options: blocks, features, res_scale, rgb_range (255).
/// </summary>
public sealed class Edsr(Device device, string architecture, int scale, ModelOptions options, int blocks, int features, float resScale)
    : HeadBodyTailNetwork(device, architecture, scale, Checked(options, architecture, OptionNames),
        options.Int("features", features),
        Enumerable.Range(0, options.Int("blocks", blocks))
            .Select(_ => (Module)new ResBlock(device, options.Int("features", features), 3, options.Float("res_scale", resScale))))
{
    public static readonly IReadOnlyList<string> OptionNames = ["blocks", "features", "res_scale", "rgb_range"];

    public static readonly NetworkCapabilities Supported = Rgb255([2, 3, 4]);

    public int Blocks { get; } = options.Int("blocks", blocks);

    public override NetworkCapabilities Capabilities => Supported;

    // head 1 + two convs per block + body end 1 in LR; upsampler convs and the last conv add at most 2 more.
    public override int ReceptiveRadius => 2 * Blocks + 4;
}
