using SuperRes.Imaging;
using SuperRes.Models.Networks;
using SuperRes.Models.Weights;
using SuperRes.Tensors;

namespace SuperRes.Models.Inference;

/// <summary>
/// Upscales images with a network: converts to the network's colour convention (RGB [0,255], RGB [0,1] or
/// the Y channel, with Cb/Cr by MATLAB bicubic), runs it tile by tile, converts back to the image's own
/// channels and bit depth (gray stays gray, 16-bit stays 16-bit) and upscales alpha by bicubic (or by the
/// network). Owns the network (not the device).
/// </summary>
public sealed partial class Upscaler(SrNetwork network, UpscaleOptions? options = null) : IDisposable
{
    private readonly Dictionary<int, ForwardMemory> _memory = [];
    private readonly HashSet<string> _warned = [];

    public SrNetwork Network { get; } = network ?? throw new ArgumentNullException(nameof(network));

    public UpscaleOptions Options { get; } = options ?? new UpscaleOptions();

    public Device Device => Network.Device;

    public int Scale => Network.Scale;

    /// <summary>
    /// True when tiles with the receptive radius as overlap give exactly the untiled result, as the network
    /// declares (<see cref="NetworkCapabilities.TilesExactly"/>): not so for one that pools over the whole image
    /// (RCAN's channel attention). Such a network runs untiled whenever the image fits in memory; tiled, it is
    /// an approximation, and <see cref="UpscaleOptions.Warning"/> says so.
    /// </summary>
    public bool TilesExactly => Network.Capabilities.TilesExactly;

    /// <summary>
    /// Loads a network by name and/or weights file: a safetensors file of ours names its network and scale in its
    /// metadata; a PyTorch checkpoint (.pt/.pth, zip or legacy) needs <paramref name="model"/> and
    /// <paramref name="scale"/>. <paramref name="modelOptions"/> overrides the configuration (blocks, features, …).
    /// </summary>
    public static Upscaler Load(Device device, string? model, int? scale, string weightsPath, UpscaleOptions? options = null, ModelOptions? modelOptions = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (weightsPath is null)
            throw new SuperResException(model is null ? "no network: pass a weights file" : $"{model} needs a weights file (--weights FILE)");
        var network = NetworkWeights.Load(device, weightsPath, model, scale, modelOptions).Network;
        network.Eval();
        return new Upscaler(network, options);
    }

    /// <summary>Number of tiles an image of this size takes (for progress bars; a self-ensemble tile runs its 8 passes as one).</summary>
    public int WorkUnits(IImageSource image, long reservedHostBytes = 0)
    {
        int channels = NetworkChannels;
        var tiled = PlanTiles(channels, NetworkInputSize(image.Height), NetworkInputSize(image.Width), reservedHostBytes);
        int tiles = tiled.TileCount(NetworkInputSize(image.Height), NetworkInputSize(image.Width));
        int alpha = image.Channels is 2 or 4 && Options.AlphaWithNetwork ? 2 : 1;
        return tiles * alpha;
    }

    /// <summary>
    /// Upscales an image (gray, gray+alpha, RGB or RGBA; 8 or 16 bits) by <see cref="Scale"/>. The result has the
    /// image's channels and bit depth, rounded and clipped to its integer levels unless <paramref name="quantize"/> is false.
    /// </summary>
    public Image Upscale(Image image, Action? workDone = null, bool quantize = true)
    {
        ArgumentNullException.ThrowIfNull(image);
        int colorChannels = image.HasAlpha ? image.Channels - 1 : image.Channels;
        // Only read from here on: without alpha the image itself is the colour (no copy).
        var color = image.HasAlpha ? image.SelectChannels(0, colorChannels) : image;
        var upColor = Network.Colors == ColorConvention.Y01 ? UpscaleViaLuma(color, workDone) : UpscaleRgb(color, workDone);
        Image result = upColor;
        if (image.HasAlpha)
        {
            var alpha = image.SelectChannels(colorChannels, 1);
            var upAlpha = Options.AlphaWithNetwork
                ? (Network.Colors == ColorConvention.Y01 ? RunLuma(alpha, workDone) : UpscaleRgb(alpha, workDone))
                : Resize.Bicubic(alpha, upColor.Width, upColor.Height);
            result = Image.Stack(upColor, upAlpha);
        }
        // result is ours (never the caller's image): rounding it in place spares an output-size copy.
        if (quantize)
            result.Quantize();
        return result;
    }

    /// <summary>
    /// Upscales a batch tensor N×C×h×w already in the network's convention (<see cref="SrNetwork.Colors"/>; for
    /// SRCNN already resized to the output size) tile by tile, as <see cref="UpscalePlanes"/> does for each
    /// image. The result is a new tensor on the network's device; the input may live on any device.
    /// </summary>
    public Tensor Upscale(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var shape = input.Shape;
        if (shape.Rank != 4)
            throw new ArgumentException($"expected an N×C×H×W tensor, got {shape}", nameof(input));
        int n = shape.N, c = shape.C, h = shape.H, w = shape.W;
        var data = input.ToArray();
        float[]? output = null;
        int oc = 0, oh = 0, ow = 0;
        for (int i = 0; i < n; i++)
        {
            var planes = new Image(w, h, c, data.AsSpan(i * c * h * w, c * h * w).ToArray());
            var result = UpscalePlanes(planes);
            if (output is null)
            {
                (oc, oh, ow) = (result.Channels, result.Height, result.Width);
                output = new float[(long)n * result.Data.Length];
            }
            result.Data.CopyTo(output, (long)i * result.Data.Length);
        }
        return Tensor.FromArray(Network.Device, new Shape(n, oc, oh, ow), output);
    }

    /// <summary>
    /// Runs the network on planes already in its convention (no colour handling, no bit depth), tiled, with the
    /// self-ensemble when asked.
    /// </summary>
    /// <exception cref="SuperResException">The output holds NaN or ±Inf (it would be written as a black or white image).</exception>
    public Image UpscalePlanes(Image input, Action? workDone = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var output = PlanTiles(input.Channels, input.Height, input.Width).Run(input, workDone);
        int bad = output.Data.Count(x => !float.IsFinite(x));
        if (bad > 0)
            throw new SuperResException($"the {Network.Architecture} network produced {bad} non-finite value(s) (NaN or ±Inf) of {output.Data.Length}: " +
                                        "its weights or the input are broken (or the device miscomputed); no image was written");
        return output;
    }

    /// <summary>
    /// The tiling for an input of <paramref name="height"/> × <paramref name="width"/> network-input pixels
    /// (LR pixels; for SRCNN, pixels of the bicubic-upscaled image). With no tile size given: one pass over the
    /// whole image when it fits in the memory budget, else the tile shape that reads the fewest pixels with the exact
    /// overlap and fits (<see cref="TileShapes"/>). On a device that allocates from host memory the budget is
    /// <see cref="UpscaleOptions.MaxMemoryBytes"/> less <paramref name="reservedHostBytes"/> (what the image's own
    /// planes hold), and without a limit <see cref="DefaultHostForwardBytes"/> or a pass ten overlaps wide, whichever
    /// is more: the forward's pool stays bounded by default, and tiles on the cpu backend give the untiled bits, so the
    /// tiling never changes a pixel. With the self-ensemble a tile holds one pass and the running sum of its outputs.
    /// </summary>
    public TiledForward PlanTiles(int channels, int height, int width, long reservedHostBytes = 0)
    {
        int f = InputPixelsPerLrPixel;
        int exactOverlap = Network.ExactTileContext * f;
        int? userOverlap = Options.TileOverlap * f;
        bool ensemble = Options.SelfEnsemble;
        if (userOverlap is { } uo && uo < exactOverlap && TilesExactly)
            Warn($"--tile-overlap {Options.TileOverlap} is below the {Network.ExactTileContext} pixels of context {Network.Architecture} needs " +
                 $"(receptive radius {Network.ReceptiveRadius}): the result can differ from the untiled one near tile edges");
        if (Options.Tile is { } userTile)
        {
            int tile = userTile * f;
            if (!TilesExactly && tile < Math.Max(height, width))
                Warn(ApproximateTilingMessage(userTile));
            int overlap = userOverlap ?? exactOverlap;
            return new TiledForward(Network, tile, tile, overlap, uniformRegions: TilesExactly && overlap >= exactOverlap, ensemble);
        }

        var memory = ForwardMemoryOf(channels);
        long? cap = ForwardCap(memory, userOverlap ?? exactOverlap, reservedHostBytes);
        long budget = TilePlanner.BudgetBytes(Network.Device, cap);
        // The running sum of the ensemble's outputs: one float per output sample of the region.
        double sumBytesPerPixel = ensemble ? 4.0 * channels * OutputScale * OutputScale : 0;
        if (TileShapes.Fits(memory, sumBytesPerPixel, height, width, budget))
            return new TiledForward(Network, width, height, 0, uniformRegions: false, ensemble);
        if (TilesExactly)
        {
            int overlapNeeded = userOverlap ?? exactOverlap;
            bool uniform = overlapNeeded >= exactOverlap;
            var shape = TileShapes.Best(memory, sumBytesPerPixel, height, width, overlapNeeded, budget, uniform, alignEnds: ensemble)
                        ?? throw TilePlanner.NotEnoughMemory(Network, memory, overlapNeeded, budget);
            return new TiledForward(Network, shape.Width, shape.Height, overlapNeeded, uniform, ensemble);
        }

        // Not exactly tileable (global pooling): no overlap is exact; read a quarter of the affordable side as context on each side.
        int side = TilePlanner.LargestInput(memory, budget);
        int approximateOverlap = userOverlap ?? Math.Min(exactOverlap, side / 4);
        var plan = TilePlanner.Plan(Network, channels, approximateOverlap, cap, memory);
        Warn(ApproximateTilingMessage(plan.Tile / f));
        return new TiledForward(Network, plan.Tile, plan.Tile, approximateOverlap, uniformRegions: false, ensemble);
    }

    /// <summary>Output pixels per network-input pixel along a side (1 for SRCNN, whose input is already upsampled).</summary>
    private int OutputScale => Network.NeedsPreUpsampledInput ? 1 : Scale;

    /// <summary>Default forward budget on a host-memory device without a memory limit (see <see cref="PlanTiles"/>).</summary>
    public const long DefaultHostForwardBytes = 64L << 20;

    // The memory cap the tiler plans the forwards against (null: the device's own free memory and cap).
    private long? ForwardCap(ForwardMemory memory, int overlap, long reservedHostBytes)
    {
        if (Network.Device.Info.IsGpu)
            return Options.MaxMemoryBytes;
        if (Options.MaxMemoryBytes is { } limit)
            return Math.Max(0, limit - reservedHostBytes);
        long side = 10L * Math.Max(1, overlap);
        double forward = Math.Max(DefaultHostForwardBytes, memory.BytesFor(side, side) / TilePlanner.Headroom);
        return Network.Device.Memory.InUseBytes + (long)forward;
    }

    /// <summary>
    /// The memory model of a forward pass on this network's device, per channel count: from
    /// <see cref="UpscaleOptions.MemoryModels"/> when this network, device and size class were measured before, else
    /// measured by two probe passes and stored there.
    /// </summary>
    public ForwardMemory ForwardMemoryOf(int channels)
    {
        if (_memory.TryGetValue(channels, out var memory))
            return memory;
        var cache = Options.MemoryModels;
        memory = cache?.Find(Network, channels, Warn);
        if (memory is null)
        {
            memory = TilePlanner.Measure(Network, channels);
            cache?.Store(Network, channels, memory, Warn);
        }
        return _memory[channels] = memory;
    }

    public void Dispose() => Network.Dispose();

    private string ApproximateTilingMessage(int tile) =>
        $"{Network.Architecture} does not tile exactly ({Network.Capabilities.InexactTilingReason}), so tiles of {tile} LR pixels give an " +
        "approximation of the untiled result; allow more memory (--max-memory) or leave out --tile to run it in one piece";

    private void Warn(string message)
    {
        if (_warned.Add(message))
            Options.Warning?.Invoke(message);
    }

    /// <summary>Input pixels of the network per LR pixel along a side: the scale for SRCNN (bicubic-upscaled input), else 1.</summary>
    private int InputPixelsPerLrPixel => Network.NeedsPreUpsampledInput ? Scale : 1;

    private int NetworkChannels => Network.Colors == ColorConvention.Y01 ? 1 : 3;

    private int NetworkInputSize(int lrSize) => lrSize * InputPixelsPerLrPixel;

    // RGB networks: gray images are run as three equal channels and averaged back to one.
    private Image UpscaleRgb(Image color, Action? workDone)
    {
        float toNet = Network.Colors == ColorConvention.Rgb255 ? 255f / color.MaxValue : 1f / color.MaxValue;
        var rgb = color.Channels == 3 ? color : Image.Stack(color, color, color);
        var input = new Image(rgb.Width, rgb.Height, 3, Scaled(rgb.Data, toNet));
        var output = UpscalePlanes(input, workDone);
        ReleaseForwardMemory();
        var result = new Image(output.Width, output.Height, color.Channels, color.BitDepth);
        FromNetworkRgb(output, result, 1f / toNet);
        return result;
    }

    /// <summary>The network's RGB planes back in <paramref name="result"/>'s channels (gray: the mean of the three) and range.</summary>
    internal static void FromNetworkRgb(Image output, Image result, float fromNet)
    {
        int n = output.PlaneSize;
        if (result.Channels == 3)
        {
            for (int i = 0; i < 3 * n; i++)
                result.Data[i] = output.Data[i] * fromNet;
        }
        else
        {
            for (int i = 0; i < n; i++)
                result.Data[i] = (output.Data[i] + output.Data[n + i] + output.Data[2 * n + i]) / 3 * fromNet;
        }
    }

    // Y-channel networks: Y by the network, Cb and Cr by MATLAB bicubic, as the SRCNN/FSRCNN papers do. A gray
    // image is its own Y: it is run as the Y of an RGB image with three equal channels (Cb = Cr = neutral).
    private Image UpscaleViaLuma(Image color, Action? workDone)
    {
        var rgb = color.Channels == 3 ? color : Image.Stack(color, color, color);
        var ycc = ColorSpace.RgbToYCbCr(rgb);
        var y = RunLuma(ycc.SelectChannels(0, 1), workDone);
        ReleaseForwardMemory();
        var up = Image.Stack(y, Resize.Bicubic(ycc.SelectChannels(1, 2), y.Width, y.Height));
        ColorSpace.YCbCrToRgbInPlace(up);
        return color.Channels == 3 ? up : up.SelectChannels(0, 1);
    }

    // Takes ownership of luma (a copy made for it): its samples are scaled in place.
    private Image RunLuma(Image luma, Action? workDone)
    {
        var input = Network.NeedsPreUpsampledInput ? Resize.Bicubic(luma, luma.Width * Scale, luma.Height * Scale) : luma;
        ScaleInPlace(input.Data, 1f / luma.MaxValue);
        var output = UpscalePlanes(new Image(input.Width, input.Height, 1, input.Data), workDone);
        ScaleInPlace(output.Data, luma.MaxValue);
        return new Image(output.Width, output.Height, 1, output.Data, luma.BitDepth);
    }

    /// <summary>See <see cref="UpscaleOptions.ReleaseForwardMemory"/>; a full collection returns the blocks' arrays at once.</summary>
    private void ReleaseForwardMemory()
    {
        if (!Options.ReleaseForwardMemory || Network.Device.Info.IsGpu)
            return;
        Network.Device.Memory.Trim();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false);
    }

    private static float[] Scaled(float[] data, float factor)
    {
        var result = new float[data.Length];
        for (int i = 0; i < data.Length; i++)
            result[i] = data[i] * factor;
        return result;
    }

    private static void ScaleInPlace(float[] data, float factor)
    {
        for (int i = 0; i < data.Length; i++)
            data[i] *= factor;
    }
}
