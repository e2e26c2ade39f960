using SuperRes.Imaging;
using SuperRes.Models.Networks;
using SuperRes.Tensors;
using SuperRes.Tensors.Autograd;

namespace SuperRes.Models.Inference;

/// <summary>
/// Runs a network over an image region by region. Each tile produces a <c>TileWidth × TileHeight</c> block of LR
/// pixels and reads <c>overlap</c> pixels of real context around it; when the overlap covers the network's receptive
/// radius, every output pixel sees exactly the inputs it sees untiled, so the result is identical — not an
/// approximation with blended seams. Sizes are in pixels of the network's input (LR pixels, except for SRCNN whose
/// input is the bicubic-enlarged image; <see cref="Upscaler"/> converts). Every region read starts at a multiple of
/// <see cref="ConvolutionTiling.Alignment"/> (<see cref="TileSpans"/>), so convolutions that round by their place in a
/// grid (Winograd) see the untiled grid: with the context of <see cref="SrNetwork.ExactTileContext"/> the result is the
/// untiled one bit for bit whatever the tile shape. With <see cref="SelfEnsemble"/> each region runs through the 8
/// flips/rotations and their outputs are averaged per tile.
/// </summary>
public sealed partial class TiledForward
{
    /// <summary>Square tiles of <paramref name="tile"/> pixels (<c>--tile</c>).</summary>
    public TiledForward(SrNetwork network, int tile, int overlap, bool uniformRegions = false)
        : this(network, tile, tile, overlap, uniformRegions)
    {
    }

    /// <summary>Tiles of <paramref name="tileWidth"/> × <paramref name="tileHeight"/> pixels.</summary>
    public TiledForward(SrNetwork network, int tileWidth, int tileHeight, int overlap, bool uniformRegions = false, bool selfEnsemble = false)
    {
        _network = network ?? throw new ArgumentNullException(nameof(network));
        TileWidth = tileWidth > 0 ? tileWidth : throw new ArgumentOutOfRangeException(nameof(tileWidth), "tile width must be positive");
        TileHeight = tileHeight > 0 ? tileHeight : throw new ArgumentOutOfRangeException(nameof(tileHeight), "tile height must be positive");
        Overlap = overlap >= 0 ? overlap : throw new ArgumentOutOfRangeException(nameof(overlap), "tile overlap cannot be negative");
        UniformRegions = uniformRegions;
        SelfEnsemble = selfEnsemble;
    }

    private readonly SrNetwork _network;

    /// <summary>
    /// Whether every region read is <c>Tile + 2·Overlap</c> on a side plus the alignment slack (or the whole input),
    /// shifted inside the image at its edges rather than clipped: for an overlap that already makes tiles exact, where
    /// more context changes no bit and regions of one size let the memory pool reuse its blocks.
    /// </summary>
    public bool UniformRegions { get; }

    /// <summary>
    /// Whether each tile's output is the mean of the network over its region's 8 flips/rotations, each output mapped
    /// back (summed in symmetry order 0..7, then divided by 8: the whole-image ensemble's arithmetic per pixel). Regions
    /// then also end on the alignment grid counted from the image's far edges, so a flipped region sees the flipped
    /// image's grid.
    /// </summary>
    public bool SelfEnsemble { get; }

    public int TileWidth { get; }

    public int TileHeight { get; }

    /// <summary>The larger side of a tile: the side of square tiles, a bound on either side of rectangular ones.</summary>
    public int Tile => Math.Max(TileWidth, TileHeight);

    public int Overlap { get; }

    /// <summary>Output pixels per input pixel along each side (1 for SRCNN, whose input is already upsampled).</summary>
    public int OutputScale => _network.NeedsPreUpsampledInput ? 1 : _network.Scale;

    public int TileCount(int height, int width) => Ceil(height, TileHeight) * Ceil(width, TileWidth);

    /// <summary>Records each tile's input read and forward when set.</summary>
    public PhaseTimings? Timings { get; set; }

    /// <summary>The arrays of the tiles' outputs, reused: a consumer of <see cref="RunBlocks"/> returns each block here when done with it.</summary>
    internal TileBuffers Buffers { get; } = new();

    /// <summary>Runs the network over <paramref name="input"/> (network convention) and returns its output.</summary>
    public Image Run(Image input, Action? tileDone = null)
    {
        int s = OutputScale;
        Image? output = null;
        foreach (var (result, t) in Tiles(input))
        {
            // One tile produces the whole output: it is the result (no second output-size copy). Only then: a
            // tile whose context alone spans the input still shares the output with the tiles after it.
            if (t.Width == input.Width && t.Height == input.Height && result.Width == input.Width * s && result.Height == input.Height * s)
            {
                tileDone?.Invoke();
                return result;
            }
            output ??= new Image(input.Width * s, input.Height * s, result.Channels);
            output.Paste(result, t.ContextLeft * s, t.ContextTop * s, t.Width * s, t.Height * s, t.X * s, t.Y * s);
            Buffers.Return(result);
            tileDone?.Invoke();
        }
        return output!;
    }

    /// <summary>
    /// Runs the network tile by tile, row of tiles after row of tiles, and hands each tile's own output block (its
    /// context cut away) to <paramref name="consume"/> with the block's column and row in the output; no
    /// output-size image is made, and the input is read region by region (each tile's region is made only for it).
    /// </summary>
    public void RunBlocks(IImageSource input, Action<Image, int, int> consume)
    {
        int s = OutputScale;
        foreach (var (result, t) in Tiles(input))
        {
            bool whole = t.ContextLeft == 0 && t.ContextTop == 0 && result.Width == t.Width * s && result.Height == t.Height * s;
            var block = result;
            if (!whole)
            {
                block = Buffers.Crop(result, t.ContextLeft * s, t.ContextTop * s, t.Width * s, t.Height * s);
                Buffers.Return(result);
            }
            consume(block, t.X * s, t.Y * s);
        }
    }

    /// <summary>
    /// A tile: the input block [X, X + Width) × [Y, Y + Height) it produces, read with its context, which starts
    /// ContextLeft and ContextTop pixels before it.
    /// </summary>
    private readonly record struct TileRegion(int X, int Y, int Width, int Height, int ContextLeft, int ContextTop);

    /// <summary>Each tile's network output (with its context) in row-major order.</summary>
    private IEnumerable<(Image Result, TileRegion Tile)> Tiles(IImageSource input)
    {
        for (int y0 = 0; y0 < input.Height; y0 += TileHeight)
        {
            for (int x0 = 0; x0 < input.Width; x0 += TileWidth)
            {
                int y1 = Math.Min(y0 + TileHeight, input.Height), x1 = Math.Min(x0 + TileWidth, input.Width);
                var (cy0, cy1) = TileSpans.Region(y0, y1, input.Height, TileHeight, Overlap, UniformRegions, SelfEnsemble);
                var (cx0, cx1) = TileSpans.Region(x0, x1, input.Width, TileWidth, Overlap, UniformRegions, SelfEnsemble);
                // An image in memory is read as it is when a tile spans it (the forward copies it to the device).
                Image region;
                using (Timings.Time("read a tile's input (to the network's convention)"))
                    region = cy0 == 0 && cx0 == 0 && cy1 == input.Height && cx1 == input.Width && input is Image whole
                        ? whole
                        : input.ReadRegion(cx0, cy0, cx1 - cx0, cy1 - cy0);
                Image result;
                // Not across the yield: the caller may convert the block on another thread meanwhile.
                using (Timings.Time($"forward a tile ({cx1 - cx0}x{cy1 - cy0}{(SelfEnsemble ? ", x8 self-ensemble" : "")}) #{y0}.{x0}"))
                using (Tape.NoGrad())
                    result = SelfEnsemble ? EnsembleForward(region) : Forward(region);
                yield return (result, new TileRegion(x0, y0, x1 - x0, y1 - y0, x0 - cx0, y0 - cy0));
            }
        }
    }

    private Image Forward(Image region)
    {
        using var x = Tensor.FromArray(_network.Device, new Shape(1, region.Channels, region.Height, region.Width), region.Data);
        using var y = _network.Forward(x);
        var shape = y.Shape;
        var output = Buffers.RentImage(shape.W, shape.H, shape.C);
        _network.Device.Read(y.Buffer, output.Data);
        return output;
    }

    private static int Ceil(int a, int b) => (a + b - 1) / b;
}
