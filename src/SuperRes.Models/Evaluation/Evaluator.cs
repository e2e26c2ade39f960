using SuperRes.Imaging;

namespace SuperRes.Models.Evaluation;

/// <summary>PSNR/SSIM of one image, for the network and for the bicubic baseline.</summary>
public sealed record ImageScore(string Name, double Psnr, double Ssim, double BicubicPsnr, double BicubicSsim);

public sealed record EvaluationResult(IReadOnlyList<ImageScore> Images)
{
    public double MeanPsnr => Images.Average(i => i.Psnr);
    public double MeanSsim => Images.Average(i => i.Ssim);
    public double MeanBicubicPsnr => Images.Average(i => i.BicubicPsnr);
    public double MeanBicubicSsim => Images.Average(i => i.BicubicSsim);
}

/// <summary>
/// The SR papers' evaluation: HR cropped to a multiple of the scale, LR from the file or made by MATLAB
/// bicubic (on 8-bit levels, as imresize on uint8), SR rounded to 8-bit, PSNR/SSIM on Y with shave = scale.
/// </summary>
public static class Evaluator
{
    /// <param name="upscale">LR → SR at the HR size; null evaluates the bicubic baseline alone.</param>
    /// <param name="onImage">Called with each score and the SR image (for --save and progress).</param>
    public static EvaluationResult Run(IReadOnlyList<ImagePair> pairs, int scale, Func<Image, Image>? upscale, Action<ImageScore, Image>? onImage = null)
    {
        var scores = new List<ImageScore>();
        foreach (var pair in pairs)
        {
            var hr = ModCrop(ImageCodec.Read(pair.HrPath).WithoutAlpha(), scale);
            var lr = pair.LrPath is null ? MakeLr(hr, scale) : ImageCodec.Read(pair.LrPath).WithoutAlpha();
            if (lr.Width * scale != hr.Width || lr.Height * scale != hr.Height)
                throw new SuperResException($"{pair.LrPath}: {lr.Width}x{lr.Height} is not the x{scale} LR of {pair.HrPath} ({hr.Width}x{hr.Height} after cropping to a multiple of {scale})");
            var bicubic = Bicubic(lr, scale);
            var sr = upscale is null ? bicubic : upscale(lr).Quantized();
            if (sr.Width != hr.Width || sr.Height != hr.Height)
                throw new SuperResException($"{pair.Name}: the network made {sr.Width}x{sr.Height}, expected {hr.Width}x{hr.Height}");
            var score = new ImageScore(
                pair.Name,
                Metrics.Psnr(sr, hr, scale), Metrics.Ssim(sr, hr, scale),
                Metrics.Psnr(bicubic, hr, scale), Metrics.Ssim(bicubic, hr, scale));
            scores.Add(score);
            onImage?.Invoke(score, sr);
        }
        return new EvaluationResult(scores);
    }

    /// <summary>
    /// The bicubic baseline: MATLAB's imresize(lr, scale, 'bicubic') on the LR image's integer levels (uint8 in,
    /// uint8 out of each separable pass, as imresize does for integer classes) — the figure the papers' tables list.
    /// </summary>
    public static Image Bicubic(Image lr, int scale) => Resize.Bicubic(lr, scale, quantize: true);

    /// <summary>MATLAB's imresize(hr, 1/scale, 'bicubic') on 8-bit (or 16-bit) levels.</summary>
    public static Image MakeLr(Image hr, int scale) => Resize.Bicubic(hr, 1.0 / scale, quantize: true);

    /// <summary>Crops to a multiple of the scale from the top-left, as the benchmark scripts do.</summary>
    public static Image ModCrop(Image image, int scale)
    {
        int w = image.Width - image.Width % scale, h = image.Height - image.Height % scale;
        return w == image.Width && h == image.Height ? image : image.Crop(0, 0, w, h);
    }
}
