using System.CommandLine;
using Spectre.Console;
using SuperRes.Imaging;
using SuperRes.Models.Evaluation;

namespace SuperRes.Cli.Commands;

/// <summary><c>superres downscale HR_DIR -o LR_DIR --scale S</c>: MATLAB-bicubic LR images for a dataset.</summary>
internal static class DownscaleCommand
{
    public static Command Create(CliContext context)
    {
        var hr = new Argument<string>("hr") { Description = "Folder of HR images" };
        var output = new Option<string>("--output", "-o") { Description = "Folder for the LR images (same file names)", Required = true };
        var scale = new Option<int>("--scale", "-s") { Description = "Downscaling factor", Required = true };
        scale.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 2)
                r.AddError("--scale must be at least 2");
        });
        var command = new Command("downscale", "Make LR images with MATLAB's imresize(hr, 1/scale, 'bicubic'), after cropping HR to a multiple of the scale") { hr, output, scale };
        command.SetHandler(context, parse =>
        {
            int s = parse.GetValue(scale);
            var files = ImageFolder.Files(parse.GetValue(hr)!);
            var outDir = parse.GetValue(output)!;
            Directory.CreateDirectory(outDir);
            int failed = 0;
            context.Progress(files.Count, (advance, describe) =>
            {
                foreach (var file in files)
                {
                    describe(Path.GetFileName(file));
                    try
                    {
                        var image = Evaluator.ModCrop(ImageCodec.Read(file), s);
                        var lr = Evaluator.MakeLr(image, s);
                        ImageCodec.Write(Path.Combine(outDir, Path.GetFileNameWithoutExtension(file) + ".png"), lr);
                    }
                    catch (Exception e) when (CommandActions.IsUserFacing(e))
                    {
                        failed++;
                        context.WriteError(e.Message.Contains(file, StringComparison.Ordinal) ? e.Message : $"{file}: {e.Message}");
                    }
                    advance();
                }
            });
            context.Out.MarkupLine($"{files.Count - failed} LR image(s) at x{s} in {Markup.Escape(outDir)}");
            return failed == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }
}
