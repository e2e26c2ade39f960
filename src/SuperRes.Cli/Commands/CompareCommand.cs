using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using SuperRes.Imaging;
using SuperRes.Models.Evaluation;
using SuperRes.Models.Inference;

namespace SuperRes.Cli.Commands;

/// <summary>
/// <c>superres compare</c>: a side-by-side picture of one region of an HR image as MATLAB bicubic and each given
/// network reconstruct it from its LR, and the HR itself (bicubic | weights… | HR), with each network's PSNR/SSIM
/// on the whole image (Y, shave = scale) printed — the comparison pictures of weights/.
/// </summary>
internal static class CompareCommand
{
    private const int Gutter = 6;

    public static Command Create(CliContext context)
    {
        var hr = new Option<string>("--hr") { Description = "The HR image (cropped to a multiple of the scale)", Required = true, HelpName = "file" };
        var lr = new Option<string?>("--lr") { Description = "Its LR image [default: made from HR by MATLAB bicubic]", HelpName = "file" };
        var scale = new Option<int>("--scale", "-s") { Description = "Upscaling factor", Required = true };
        var weights = new Option<string[]>("--weights", "-w") { Description = "Weights of a network to show (repeat for several, in panel order)", Required = true, HelpName = "file", AllowMultipleArgumentsPerToken = true };
        var crop = new Option<string>("--crop") { Description = "The region, in HR pixels: X,Y,WIDTH,HEIGHT", Required = true, HelpName = "x,y,w,h" };
        var zoom = new Option<int>("--zoom") { Description = "Enlarge each panel by this factor (nearest neighbour)", DefaultValueFactory = _ => 2 };
        var output = new Option<string>("--output", "-o") { Description = "The picture to write (PNG)", Required = true, HelpName = "file" };
        var command = new Command("compare", "Side-by-side crops: bicubic | each network | HR, with each network's PSNR/SSIM")
        {
            hr, lr, scale, weights, crop, zoom, output,
        };
        var device = DeviceOptions.AddTo(command);
        command.SetHandler(context, parse =>
        {
            int s = parse.GetValue(scale);
            if (s < 2)
                throw new SuperResException($"--scale {s}: a comparison needs a scale of at least 2");
            int z = parse.GetValue(zoom);
            if (z is < 1 or > 16)
                throw new SuperResException($"--zoom {z}: use 1 to 16");
            var hrImage = Evaluator.ModCrop(ImageCodec.Read(parse.GetValue(hr)!).WithoutAlpha().ToRgb(), s);
            var lrPath = parse.GetValue(lr);
            var lrImage = lrPath is null ? Evaluator.MakeLr(hrImage, s) : ImageCodec.Read(lrPath).WithoutAlpha().ToRgb();
            if (lrImage.Width * s != hrImage.Width || lrImage.Height * s != hrImage.Height)
                throw new SuperResException($"{lrPath}: {lrImage.Width}x{lrImage.Height} is not the x{s} LR of {parse.GetValue(hr)} ({hrImage.Width}x{hrImage.Height})");
            var (x, y, w, h) = ParseCrop(parse.GetValue(crop)!, hrImage);

            var bicubic = Evaluator.Bicubic(lrImage, s);
            var panels = new List<Image> { bicubic.Crop(x, y, w, h) };
            Report(context, "bicubic", bicubic, hrImage, s);
            using var dev = device.Open(parse, context);
            foreach (var path in parse.GetValue(weights)!)
            {
                if (!File.Exists(path))
                    throw new SuperResException($"no weights file {path}");
                using var upscaler = Upscaler.Load(dev, null, s, path, new UpscaleOptions { MaxMemoryBytes = parse.GetValue(device.MaxMemory) });
                if (upscaler.Scale != s)
                    throw new SuperResException($"{path} holds x{upscaler.Scale} weights, not x{s}");
                var sr = upscaler.Upscale(lrImage).Quantized().ToRgb();
                Report(context, path, sr, hrImage, s);
                panels.Add(sr.Crop(x, y, w, h));
            }
            panels.Add(hrImage.Crop(x, y, w, h));
            var picture = SideBySide(panels, z);
            ImageCodec.Write(parse.GetValue(output)!, picture);
            context.Out.WriteLine($"wrote {parse.GetValue(output)} ({picture.Width}x{picture.Height}): bicubic | {string.Join(" | ", parse.GetValue(weights)!.Select(Path.GetFileName))} | HR, region {w}x{h}+{x}+{y}, zoom {z}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Report(CliContext context, string what, Image sr, Image hr, int scale)
    {
        var inv = CultureInfo.InvariantCulture;
        context.Out.WriteLine($"{what}: PSNR {Metrics.Psnr(sr, hr, scale).ToString("F3", inv)} dB, SSIM {Metrics.Ssim(sr, hr, scale).ToString("F4", inv)} (whole image, Y, shave {scale})");
    }

    private static (int X, int Y, int W, int H) ParseCrop(string text, Image hr)
    {
        var parts = text.Split(',');
        var values = parts.Select(p => int.TryParse(p.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : -1).ToArray();
        if (values.Length != 4 || values.Any(v => v < 0) || values[2] == 0 || values[3] == 0)
            throw new SuperResException($"--crop '{text}': use X,Y,WIDTH,HEIGHT in HR pixels (non-negative integers, positive size)");
        if (values[0] + values[2] > hr.Width || values[1] + values[3] > hr.Height)
            throw new SuperResException($"--crop '{text}' reaches beyond the {hr.Width}x{hr.Height} HR image");
        return (values[0], values[1], values[2], values[3]);
    }

    /// <summary>The panels in a row, each enlarged <paramref name="zoom"/> times, white gutters between them.</summary>
    private static Image SideBySide(IReadOnlyList<Image> panels, int zoom)
    {
        int pw = panels[0].Width * zoom, ph = panels[0].Height * zoom;
        int width = panels.Count * pw + (panels.Count - 1) * Gutter;
        var result = new Image(width, ph, 3);
        Array.Fill(result.Data, 255f);
        for (int i = 0; i < panels.Count; i++)
        {
            var p = panels[i];
            int left = i * (pw + Gutter);
            for (int c = 0; c < 3; c++)
                for (int r = 0; r < ph; r++)
                    for (int col = 0; col < pw; col++)
                        result[c, r, left + col] = p[c, r / zoom, col / zoom];
        }
        return result;
    }
}
