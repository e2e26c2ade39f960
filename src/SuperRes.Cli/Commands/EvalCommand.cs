using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using SuperRes.Imaging;
using SuperRes.Models.Evaluation;
using SuperRes.Models.Inference;

namespace SuperRes.Cli.Commands;

/// <summary><c>superres eval</c>: PSNR/SSIM (Y channel, shave = scale) of a network over a dataset, beside bicubic.</summary>
internal static class EvalCommand
{
    public static Command Create(CliContext context)
    {
        var hr = new Option<string>("--hr") { Description = "Folder of HR images", Required = true };
        var lr = new Option<string?>("--lr") { Description = "Folder of LR images (ours, DIV2K's X2/ or EDSR's LR_bicubic/X2/) [default: made from HR by MATLAB bicubic]" };
        var save = new Option<string?>("--save") { Description = "Folder to write the SR images to" };
        var json = new Option<string?>("--json") { Description = "Write {psnr, ssim, images:[{name, psnr, ssim}]} to this file" };
        var command = new Command("eval", "Measure PSNR/SSIM on a dataset (use --model bicubic for the baseline alone)") { hr, lr, save, json };
        var model = ModelArguments.AddTo(command);
        var device = DeviceOptions.AddTo(command);
        command.SetHandler(context, parse =>
        {
            int scale = parse.GetValue(model.Scale) ?? throw new SuperResException("eval needs --scale");
            if (scale < 2)
                throw new SuperResException($"--scale {scale}: evaluation needs a scale of at least 2");
            var pairs = DatasetPairs.Find(parse.GetValue(hr)!, parse.GetValue(lr), scale);
            bool bicubicOnly = string.Equals(parse.GetValue(model.Model), "bicubic", StringComparison.OrdinalIgnoreCase);
            using var dev = bicubicOnly ? null : device.Open(parse, context);
            if (bicubicOnly && parse.GetValue(model.Weights) is not null)
                throw new SuperResException("--model bicubic takes no --weights");
            using var upscaler = bicubicOnly ? null : model.LoadUpscaler(parse, dev!, new UpscaleOptions
            {
                MaxMemoryBytes = parse.GetValue(device.MaxMemory),
                MemoryModels = ForwardMemoryCache.Default,
                Warning = message => context.Err.MarkupLine($"[yellow]warning:[/] {Markup.Escape(message)}"),
            });
            if (upscaler is not null && upscaler.Scale != scale)
                throw new SuperResException($"the weights are for x{upscaler.Scale}, not x{scale}");
            var saveDir = parse.GetValue(save);
            if (saveDir is not null)
                Directory.CreateDirectory(saveDir);
            string name = upscaler is null ? "bicubic" : upscaler.Network.Architecture;
            EvaluationResult result = null!;
            context.Progress(pairs.Count, (advance, describe) =>
            {
                result = Evaluator.Run(pairs, scale, upscaler is null ? null : img => upscaler.Upscale(img), (score, sr) =>
                {
                    if (saveDir is not null)
                        ImageCodec.Write(Path.Combine(saveDir, score.Name + ".png"), sr);
                    describe(score.Name);
                    advance();
                });
            });
            Print(context.Out, name, scale, result, upscaler is null);
            if (parse.GetValue(json) is { } jsonPath)
                WriteJson(jsonPath, name, scale, result, upscaler is null);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Print(IAnsiConsole console, string name, int scale, EvaluationResult result, bool bicubicOnly)
    {
        var table = new Table().AddColumns("image", $"{name} PSNR", $"{name} SSIM");
        if (!bicubicOnly)
            table.AddColumns("bicubic PSNR", "bicubic SSIM");
        foreach (var s in result.Images)
            table.AddRow(Row(s.Name, s.Psnr, s.Ssim, s.BicubicPsnr, s.BicubicSsim, bicubicOnly));
        table.AddRow(Row("mean", result.MeanPsnr, result.MeanSsim, result.MeanBicubicPsnr, result.MeanBicubicSsim, bicubicOnly));
        console.MarkupLine($"x{scale}, Y channel, shave {scale}");
        console.Write(table);
    }

    private static string[] Row(string name, double psnr, double ssim, double bPsnr, double bSsim, bool bicubicOnly) =>
        bicubicOnly ? [Markup.Escape(name), $"{psnr:F3}", $"{ssim:F4}"]
                    : [Markup.Escape(name), $"{psnr:F3}", $"{ssim:F4}", $"{bPsnr:F3}", $"{bSsim:F4}"];

    private static void WriteJson(string path, string model, int scale, EvaluationResult result, bool bicubicOnly)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } parent)
            Directory.CreateDirectory(parent);
        var temp = path + ".tmp";
        File.WriteAllText(temp, Json(model, scale, result, bicubicOnly));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The text of <c>eval --json</c>: the means, bicubic's means beside a network's, and each image's scores.</summary>
    internal static string Json(string model, int scale, EvaluationResult result, bool bicubicOnly)
    {
        var doc = new JsonObject
        {
            ["model"] = model,
            ["scale"] = scale,
            ["psnr"] = Number(result.MeanPsnr),
            ["ssim"] = Number(result.MeanSsim),
        };
        if (!bicubicOnly)
            doc["bicubic"] = new JsonObject { ["psnr"] = Number(result.MeanBicubicPsnr), ["ssim"] = Number(result.MeanBicubicSsim) };
        doc["images"] = new JsonArray([.. result.Images.Select(i => new JsonObject { ["name"] = i.Name, ["psnr"] = Number(i.Psnr), ["ssim"] = Number(i.Ssim) })]);
        return doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>
    /// A score as a JSON number; an SR image identical to its HR has infinite PSNR, written as the string "Infinity"
    /// (what System.Text.Json's named floating-point literals write).
    /// </summary>
    private static JsonNode Number(double value) =>
        double.IsFinite(value) ? JsonValue.Create(value) : JsonValue.Create(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
}
