using System.CommandLine;
using Spectre.Console;
using SuperRes.Imaging;
using SuperRes.Models.Evaluation;
using SuperRes.Models.Inference;

namespace SuperRes.Cli.Commands;

/// <summary><c>superres upscale INPUT… -o OUTPUT</c>: super-resolve images or folders of images.</summary>
internal static class UpscaleCommand
{
    public static Command Create(CliContext context)
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Image files or folders", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--output", "-o") { Description = "Output file (one input) or folder", Required = true };
        var tile = new Option<int?>("--tile") { Description = "Side of the block of LR pixels each tile produces [default: the whole image when it fits in memory, else the largest tile that fits]" };
        var overlap = new Option<int?>("--tile-overlap") { Description = "LR pixels of context read around each tile [default: the network's receptive radius, which makes tiling exact]" };
        var ensemble = new Option<bool>("--self-ensemble") { Description = "Average the 8 flips/rotations (8× the work)" };
        var format = new Option<string?>("--format") { Description = "Output format: png, jpg or bmp [default: from the output name, else png]" };
        format.AcceptOnlyFromAmong("png", "jpg", "jpeg", "bmp");
        var alpha = new Option<bool>("--alpha-network") { Description = "Upscale an alpha channel with the network instead of bicubic" };
        var command = new Command("upscale", "Super-resolve images (files or folders)") { inputs, output, tile, overlap, ensemble, format, alpha };
        var model = ModelArguments.AddTo(command);
        var device = DeviceOptions.AddTo(command);
        foreach (var option in new Option<int?>[] { tile, overlap })
            option.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int?>() is < 0)
                    r.AddError($"{option.Name} cannot be negative");
            });
        command.SetHandler(context, parse =>
        {
            var jobs = Plan(parse.GetValue(inputs)!, parse.GetValue(output)!, parse.GetValue(format));
            var options = new UpscaleOptions
            {
                Tile = parse.GetValue(tile) is > 0 ? parse.GetValue(tile) : null,
                TileOverlap = parse.GetValue(overlap),
                MaxMemoryBytes = parse.GetValue(device.MaxMemory),
                SelfEnsemble = parse.GetValue(ensemble),
                AlphaWithNetwork = parse.GetValue(alpha),
                Warning = message => context.Err.MarkupLine($"[yellow]warning:[/] {Markup.Escape(message)}"),
            };
            using var dev = device.Open(parse, context);
            using var upscaler = model.LoadUpscaler(parse, dev, options);
            context.Out.MarkupLine($"{Markup.Escape(upscaler.Network.Architecture)} x{upscaler.Scale} on {Markup.Escape(dev.Info.Id)}: {jobs.Count} image(s)");
            return Run(context, upscaler, jobs);
        });
        return command;
    }

    private sealed record Job(string Input, string Output, ImageFormat Format);

    private static int Run(CliContext context, Upscaler upscaler, IReadOnlyList<Job> jobs)
    {
        int failed = 0;
        context.Progress(jobs.Count, (advance, describe) =>
        {
            foreach (var job in jobs)
            {
                describe(Path.GetFileName(job.Input));
                try
                {
                    var image = ImageCodec.Read(job.Input);
                    var result = upscaler.Upscale(image);
                    ImageCodec.Write(job.Output, result, job.Format);
                    context.Out.MarkupLine($"{Markup.Escape(job.Input)} ({image.Width}x{image.Height}) → {Markup.Escape(job.Output)} ({result.Width}x{result.Height})");
                }
                catch (Exception e) when (CommandActions.IsUserFacing(e))
                {
                    // One bad file must not cost the rest of the batch. Image errors already start with the path.
                    failed++;
                    context.WriteError(e.Message.Contains(job.Input, StringComparison.Ordinal) ? e.Message : $"{job.Input}: {e.Message}");
                }
                advance();
            }
        });
        if (failed > 0)
            context.WriteError($"{failed} of {jobs.Count} image(s) failed");
        return failed == 0 ? ExitCodes.Ok : ExitCodes.Failure;
    }

    private static List<Job> Plan(string[] inputs, string output, string? format)
    {
        var files = new List<string>();
        bool anyFolder = false;
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                anyFolder = true;
                files.AddRange(DatasetPairs.ImagesIn(input));
            }
            else if (File.Exists(input))
                files.Add(input);
            else
                throw new SuperResException($"no such file or folder: {input}");
        }
        if (files.Count == 0)
            throw new SuperResException($"no images (.png, .bmp, .jpg) in {string.Join(", ", inputs)}");
        bool toFolder = anyFolder || files.Count > 1 || Directory.Exists(output);
        if (toFolder)
            Directory.CreateDirectory(output);
        else if (Path.GetDirectoryName(Path.GetFullPath(output)) is { } parent)
            Directory.CreateDirectory(parent);
        var jobs = new List<Job>();
        var targets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var fmt = format is not null ? ParseFormat(format, "--format " + format)
                : !toFolder && Path.HasExtension(output) ? ParseFormat(Path.GetExtension(output), output)
                : ImageFormat.Png;
            var target = toFolder ? Path.Combine(output, Path.GetFileNameWithoutExtension(file) + Extension(fmt)) : output;
            // a.png and a.jpg in one folder would both become a.png: refuse rather than overwrite one with the other.
            if (targets.TryGetValue(Path.GetFullPath(target), out var other))
                throw new SuperResException($"{other} and {file} would both be written to {target}; upscale them separately");
            targets[Path.GetFullPath(target)] = file;
            jobs.Add(new Job(file, target, fmt));
        }
        return jobs;
    }

    private static ImageFormat ParseFormat(string nameOrExtension, string what)
    {
        try
        {
            return ImageCodec.FormatFromName(nameOrExtension);
        }
        catch (ArgumentException)
        {
            throw new SuperResException($"{what}: cannot write '{nameOrExtension}' images; use .png, .jpg or .bmp (or --format png|jpg|bmp)");
        }
    }

    private static string Extension(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => ".jpg",
        ImageFormat.Bmp => ".bmp",
        _ => ".png",
    };
}
