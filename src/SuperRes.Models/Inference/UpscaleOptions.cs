namespace SuperRes.Models.Inference;

/// <summary>How <see cref="Upscaler"/> runs a network over an image. Sizes are in LR pixels.</summary>
public sealed record UpscaleOptions
{
    /// <summary>
    /// Side of the LR block each tile produces; null chooses it from free memory and <see cref="MaxMemoryBytes"/>
    /// (the whole image in one pass when it fits).
    /// </summary>
    public int? Tile { get; init; }

    /// <summary>
    /// Context read around each tile on every side; null uses the network's receptive radius, which makes the
    /// tiled result identical to the untiled one (unless the network pools over the whole image: see <see cref="Upscaler.TilesExactly"/>).
    /// </summary>
    public int? TileOverlap { get; init; }

    /// <summary>Upper bound on device memory for choosing the tile size (the device's own cap applies as well).</summary>
    public long? MaxMemoryBytes { get; init; }

    /// <summary>Average the outputs of the 8 flips/rotations of the input (the "+" results of EDSR's paper).</summary>
    public bool SelfEnsemble { get; init; }

    /// <summary>Upscale an alpha channel with the network instead of bicubic.</summary>
    public bool AlphaWithNetwork { get; init; }

    /// <summary>Receives warnings (approximate tiling, an overlap below the receptive radius); each message once per <see cref="Upscaler"/>.</summary>
    public Action<string>? Warning { get; init; }
}
