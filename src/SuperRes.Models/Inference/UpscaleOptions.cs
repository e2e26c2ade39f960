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

    /// <summary>
    /// On a device that allocates from host memory (the C# cpu backend, OpenCL on a CPU), hand the forward passes'
    /// cached blocks back to the runtime after each image's forwards, so the output-size planes that follow do not
    /// add to them at the process's peak: for a process that upscales and exits (the CLI), not for a training loop
    /// that reuses the blocks.
    /// </summary>
    public bool ReleaseForwardMemory { get; init; }

    /// <summary>
    /// Where measured forward memory models are kept across runs (<see cref="ForwardMemoryCache"/>); null measures them
    /// in every process (what the library does unless told: the CLI passes <see cref="ForwardMemoryCache.Default"/>).
    /// </summary>
    public ForwardMemoryCache? MemoryModels { get; init; }

    /// <summary>Records where the time goes (<c>--timings</c>); null records nothing.</summary>
    public PhaseTimings? Timings { get; init; }

    /// <summary>Receives warnings (approximate tiling, an overlap below the receptive radius); each message once per <see cref="Upscaler"/>.</summary>
    public Action<string>? Warning { get; init; }
}
