namespace SuperRes.Models.Networks;

/// <summary>What a network's input and output tensors hold.</summary>
public enum ColorConvention
{
    /// <summary>RGB in [0, 255]; the network subtracts and re-adds the DIV2K mean itself (EDSR family, MSRN, RCAN).</summary>
    Rgb255,

    /// <summary>RGB in [0, 1] (SRResNet).</summary>
    Rgb01,

    /// <summary>The Y channel of YCbCr (BT.601 studio range) scaled to [0, 1]; Cb and Cr are upscaled by bicubic (SRCNN, FSRCNN).</summary>
    Y01,
}

/// <summary>
/// What a network serves and how it may be run, declared by the network and its registry entry so that the
/// upscaler, the trainer and the CLI need not know its type. The receptive radius depends on the configuration
/// and is the built network's own (<see cref="SrNetwork.ReceptiveRadius"/>).
/// </summary>
/// <param name="Colors">The colour convention of its input and output.</param>
/// <param name="Scales">The upscaling factors it can be built for.</param>
public sealed record NetworkCapabilities(ColorConvention Colors, IReadOnlyList<int> Scales)
{
    /// <summary>One set of weights serves every scale in <see cref="Scales"/> (MDSR): <see cref="SrNetwork.SelectScale"/> switches.</summary>
    public bool IsMultiScale { get; init; }

    /// <summary>The input is the image already resized to the output size by bicubic (SRCNN).</summary>
    public bool NeedsPreUpsampledInput { get; init; }

    /// <summary>
    /// Why tiles cannot reproduce the untiled output, or null when tiles with the receptive radius as context
    /// are exact. Anything that pools over the whole image (channel attention) makes tiling inexact.
    /// </summary>
    public string? InexactTilingReason { get; init; }

    /// <summary>True when tiles with <see cref="SrNetwork.ExactTileContext"/> of context give exactly the untiled result.</summary>
    public bool TilesExactly => InexactTilingReason is null;
}
