using SuperRes.Imaging;
using SuperRes.Models.Evaluation;
using SuperRes.Models.Networks;

namespace SuperRes.Training;

/// <summary>
/// Planar samples of one image kept in memory for the whole run, in the network's convention: 8-bit RGB as
/// bytes (a quarter of the memory of floats), everything else as floats; <see cref="Multiplier"/> converts a
/// stored value to what the network sees (RGB [0, 255] or [0, 1], Y [0, 1]).
/// </summary>
internal sealed class CachedPlanes
{
    private readonly byte[]? _bytes;
    private readonly float[]? _floats;

    public CachedPlanes(Image image, float multiplier)
    {
        Channels = image.Channels;
        Height = image.Height;
        Width = image.Width;
        Multiplier = multiplier;
        if (image.BitDepth == 8 && image.Data.All(v => v >= 0 && v <= 255 && v == MathF.Round(v)))
            _bytes = image.Data.Select(v => (byte)v).ToArray();
        else
            _floats = image.Data;
    }

    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public float Multiplier { get; }
    public long Bytes => _bytes?.LongLength ?? 4L * _floats!.LongLength;

    /// <summary>
    /// Writes the <paramref name="side"/>² window at (<paramref name="x0"/>, <paramref name="y0"/>) of every
    /// channel into <paramref name="destination"/> (C × side × side), transformed by one of the 8 symmetries of
    /// the square: bit 0 flips left-right, bit 1 top-bottom, bit 2 transposes after the flips (as Planes.Transform).
    /// </summary>
    public void CopyWindow(int x0, int y0, int side, int symmetry, Span<float> destination)
    {
        bool flipX = (symmetry & 1) != 0, flipY = (symmetry & 2) != 0, transpose = (symmetry & 4) != 0;
        int plane = Height * Width;
        for (int c = 0; c < Channels; c++)
        {
            var dst = destination.Slice(c * side * side, side * side);
            for (int y = 0; y < side; y++)
            {
                int sy = y0 + (flipY ? side - 1 - y : y);
                int rowStart = c * plane + sy * Width + x0;
                for (int x = 0; x < side; x++)
                {
                    int sx = flipX ? side - 1 - x : x;
                    float value = _bytes is not null ? _bytes[rowStart + sx] : _floats![rowStart + sx];
                    int ty = transpose ? x : y, tx = transpose ? y : x;
                    dst[ty * side + tx] = value * Multiplier;
                }
            }
        }
    }
}

/// <summary>
/// One training image at one scale: the network's input (the LR image, or for SRCNN the LR upscaled by bicubic)
/// and its target, the HR image (shared between MDSR's scales; only its top-left LrWidth·scale × LrHeight·scale
/// part, the part that a multiple of the scale covers, is used).
/// </summary>
internal sealed record TrainingSample(string Name, CachedPlanes Input, CachedPlanes Target, int LrWidth, int LrHeight);

/// <summary>The images of one scale.</summary>
internal sealed record ScaleSet(int Scale, IReadOnlyList<TrainingSample> Samples);

/// <summary>
/// What the network sees: its colour convention, input channels, and whether its input is the LR upscaled to
/// the HR size (SRCNN).
/// </summary>
public sealed record DataConvention(ColorConvention Colors, bool PreUpsampled)
{
    public int Channels => Colors == ColorConvention.Y01 ? 1 : 3;

    public static DataConvention Of(SrNetwork network) => new(network.Colors, network.NeedsPreUpsampledInput);
}

/// <summary>
/// The training set, decoded once and cached in memory. HR images come from a folder; the LR of each is read
/// from a paired folder or made once by MATLAB bicubic after cropping the HR to a multiple of the scale
/// (<see cref="Evaluator.ModCrop"/>, <see cref="Evaluator.MakeLr"/>, exactly as the benchmark LR files are made).
/// </summary>
public sealed class TrainingData
{
    private TrainingData(DataConvention convention, IReadOnlyList<ScaleSet> scales, IReadOnlyList<string> skipped, long bytes)
    {
        Convention = convention;
        Scales = scales;
        Skipped = skipped;
        CachedBytes = bytes;
    }

    public DataConvention Convention { get; }

    internal IReadOnlyList<ScaleSet> Scales { get; }

    /// <summary>Images too small for one patch, with the reason (they are left out).</summary>
    public IReadOnlyList<string> Skipped { get; }

    /// <summary>Memory the decoded images take.</summary>
    public long CachedBytes { get; }

    public int ImageCount => Scales[0].Samples.Count;

    public IReadOnlyList<int> ScaleFactors => Scales.Select(s => s.Scale).ToArray();

    /// <summary>
    /// Loads every image of <paramref name="hrDirectory"/> for each of <paramref name="scales"/> (decoding in
    /// parallel). Images smaller than one <paramref name="patch"/>-pixel LR patch are skipped and listed.
    /// </summary>
    public static TrainingData Load(string hrDirectory, string? lrDirectory, IReadOnlyList<int> scales, DataConvention convention, int patch)
    {
        var pairsPerScale = scales.Select(s => DatasetPairs.Find(hrDirectory, lrDirectory, s)).ToArray();
        var hrPaths = pairsPerScale[0].Select(p => p.HrPath).ToArray();
        // Each HR image is decoded once and shared by every scale.
        var hrImages = new Image[hrPaths.Length];
        Parallel.For(0, hrPaths.Length, i => hrImages[i] = PrepareColor(ImageCodec.Read(hrPaths[i]), convention));
        var skipped = new List<string>();
        var sets = new List<ScaleSet>();
        long bytes = 0;
        var targets = new CachedPlanes[hrImages.Length];
        for (int i = 0; i < hrImages.Length; i++)
        {
            targets[i] = new CachedPlanes(ToNetwork(hrImages[i], convention), TargetMultiplier(hrImages[i], convention));
            bytes += targets[i].Bytes;
        }
        for (int si = 0; si < scales.Count; si++)
        {
            int scale = scales[si];
            var pairs = pairsPerScale[si];
            var samples = new TrainingSample?[pairs.Count];
            var reasons = new string?[pairs.Count];
            Parallel.For(0, pairs.Count, i =>
            {
                var hr = Evaluator.ModCrop(hrImages[i], scale);
                var lr = pairs[i].LrPath is { } lrPath ? PrepareColor(ImageCodec.Read(lrPath), convention) : Evaluator.MakeLr(hr, scale);
                if (lr.Width * scale != hr.Width || lr.Height * scale != hr.Height)
                    throw new SuperResException($"{pairs[i].LrPath}: {lr.Width}x{lr.Height} is not the x{scale} LR of {pairs[i].HrPath} ({hr.Width}x{hr.Height} after cropping to a multiple of {scale})");
                if (lr.Width < patch || lr.Height < patch)
                {
                    reasons[i] = $"{pairs[i].Name} (x{scale}: LR {lr.Width}x{lr.Height} < patch {patch})";
                    return;
                }
                samples[i] = new TrainingSample(pairs[i].Name, InputPlanes(lr, scale, convention), targets[i], lr.Width, lr.Height);
            });
            skipped.AddRange(reasons.OfType<string>());
            var kept = samples.OfType<TrainingSample>().ToArray();
            if (kept.Length == 0)
                throw new SuperResException($"no image in {hrDirectory} is large enough for a {patch}x{patch} LR patch at x{scale} (HR side at least {patch * scale} pixels); lower --patch");
            bytes += kept.Sum(s => s.Input.Bytes);
            sets.Add(new ScaleSet(scale, kept));
        }
        return new TrainingData(convention, sets, skipped, bytes);
    }

    /// <summary>RGB networks take gray images as three equal channels; alpha is dropped.</summary>
    private static Image PrepareColor(Image image, DataConvention convention)
    {
        var color = image.WithoutAlpha();
        return color.Channels == 1 && convention.Colors != ColorConvention.Y01 ? color.ToRgb() : color;
    }

    /// <summary>RGB as is; the Y channel (MATLAB rgb2ycbcr, unrounded) for Y networks (gray passes through).</summary>
    private static Image ToNetwork(Image image, DataConvention convention) =>
        convention.Colors == ColorConvention.Y01 ? ColorSpace.Luma(image) : image;

    private static float TargetMultiplier(Image image, DataConvention convention) =>
        convention.Colors == ColorConvention.Rgb255 ? 255f / image.MaxValue : 1f / image.MaxValue;

    /// <summary>The network's input: the LR (Y for Y networks), upscaled by MATLAB bicubic for SRCNN (as the Upscaler does).</summary>
    private static CachedPlanes InputPlanes(Image lr, int scale, DataConvention convention)
    {
        var planes = ToNetwork(lr, convention);
        if (convention.PreUpsampled)
            planes = Resize.Bicubic(planes, planes.Width * scale, planes.Height * scale);
        return new CachedPlanes(planes, TargetMultiplier(lr, convention));
    }
}
