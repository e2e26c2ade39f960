using System.CommandLine;
using Spectre.Console;
using SuperRes.Imaging;
using SuperRes.Models.Inference;

namespace SuperRes.Cli.Commands;

/// <summary><c>superres upscale INPUT… -o OUTPUT</c>: super-resolve images or folders of images.</summary>
internal static class UpscaleCommand
{
    public static Command Create(CliContext context)
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Image files, folders or globs (*, ?, ** for any folder depth)", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--output", "-o") { Description = "Output file (one input) or folder", Required = true };
        var name = new Option<string?>("--name")
        {
            Description = $"Output file names in a folder: {UpscalePlan.NamePatternHelp}, e.g. '{{name}}_x{{scale}}.{{ext}}' [default: {UpscalePlan.DefaultNamePattern}]",
            HelpName = "pattern",
        };
        var skipExisting = new Option<bool>("--skip-existing") { Description = "Leave outputs that already exist alone (resume a folder run)" };
        var tile = new Option<int?>("--tile", "-t") { Description = "Side of the block of LR pixels each tile produces [default: the whole image when it fits in memory, else the largest tile that fits]" };
        var overlap = new Option<int?>("--tile-overlap") { Description = "LR pixels of context read around each tile [default: the exact context (the network's receptive radius, 2·radius + 1 with Winograd layers), which makes tiling exact]" };
        var ensemble = new Option<bool>("--self-ensemble", "-x") { Description = "Average the 8 flips/rotations (8× the work)" };
        var format = new Option<string?>("--format", "-f") { Description = "Output format: png, jpg or bmp [default: from the output name, else png]" };
        format.AcceptOnlyFromAmong("png", "jpg", "jpeg", "bmp");
        var jpegQuality = new Option<int>("--jpeg-quality")
        {
            Description = "JPEG output quality, 1-100 (4:4:4 chroma from 90 up)",
            DefaultValueFactory = _ => ImageCodec.DefaultJpegQuality,
        };
        var pngCompression = new Option<int>("--png-compression")
        {
            Description = "PNG zlib level, 0 (stored, fastest) to 9 (smallest, slowest)",
            DefaultValueFactory = _ => ImageCodec.DefaultPngCompression,
        };
        var timings = new Option<bool>("--timings") { Description = "Print where the time went (phases from process start) on stderr" };
        var alpha = new Option<bool>("--alpha-network") { Description = "Upscale an alpha channel with the network instead of bicubic" };
        var shard = new Option<Shard>("--shard")
        {
            Description = "Process shard i of n of the sorted inputs (0 ≤ i < n), for job arrays: --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT",
            HelpName = "i/n",
            DefaultValueFactory = _ => Shard.All,
            CustomParser = result =>
            {
                var (parsed, error) = Shard.Parse(result.Tokens.Single().Value);
                if (error is not null)
                    result.AddError(error);
                return parsed ?? Shard.All;
            },
        };
        var command = new Command("upscale", "Super-resolve images (files, folders or globs)")
        {
            inputs, output, name, skipExisting, tile, overlap, ensemble, format, jpegQuality, pngCompression, alpha, shard, timings,
        };
        var model = ModelArguments.AddTo(command);
        var device = DeviceOptions.AddTo(command);
        foreach (var option in new Option<int?>[] { tile, overlap })
            option.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int?>() is < 0)
                    r.AddError($"{option.Name} cannot be negative");
            });
        jpegQuality.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 100)
                r.AddError($"--jpeg-quality must be 1..100, got {r.GetValueOrDefault<int>()}");
        });
        pngCompression.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 9)
                r.AddError($"--png-compression must be 0..9, got {r.GetValueOrDefault<int>()}");
        });
        name.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } pattern && UpscalePlan.PatternProblem(pattern) is { } problem)
                r.AddError(problem);
        });
        command.SetHandler(context, parse =>
        {
            var phases = parse.GetValue(timings) ? new PhaseTimings() : null;
            // Every input must exist before the network is loaded; the outputs are named once its scale is known.
            var part = parse.GetValue(shard);
            var all = UpscaleInputs.Expand(parse.GetValue(inputs)!);
            var found = new UpscaleInputs { Files = part.Select(all.Files, file => file), Folders = all.Folders, IsBatch = all.IsBatch };
            if (found.Files.Count == 0)
            {
                context.Out.WriteLine($"shard {part}: nothing to do ({all.Files.Count} image(s) over {part.Count} shards)");
                return ExitCodes.Ok;
            }
            var memoryLimit = UpscaleMemory.Limit(parse.GetValue(device.MaxMemory));
            // A folder run resuming with --skip-existing may not need its first image at all.
            var prefetch = parse.GetValue(skipExisting) ? null : UpscalePrefetch.Start(found.Files[0], memoryLimit.Bytes, phases);
            var options = new UpscaleOptions
            {
                Tile = parse.GetValue(tile) is > 0 ? parse.GetValue(tile) : null,
                TileOverlap = parse.GetValue(overlap),
                MaxMemoryBytes = parse.GetValue(device.MaxMemory),
                SelfEnsemble = parse.GetValue(ensemble),
                AlphaWithNetwork = parse.GetValue(alpha),
                ReleaseForwardMemory = true,
                MemoryModels = ForwardMemoryCache.Default,
                Timings = phases,
                Warning = message => context.Err.MarkupLine($"[yellow]warning:[/] {Markup.Escape(message)}"),
            };
            Device dev;
            using (phases.Time("choose and open the device"))
                dev = device.Open(parse, context);
            using var deviceScope = dev;
            Upscaler upscaler;
            using (phases.Time("load the weights"))
                upscaler = model.LoadUpscaler(parse, dev, options);
            using var upscalerScope = upscaler;
            List<UpscaleJob> jobs;
            using (phases.Time("plan the outputs"))
                jobs = UpscalePlan.Plan(found, parse.GetValue(output)!, parse.GetValue(format), parse.GetValue(name), upscaler.Scale, upscaler.Network.Architecture);
            context.Out.MarkupLine($"{Markup.Escape(upscaler.Network.Architecture)} x{upscaler.Scale} on {Markup.Escape(dev.Info.Id)}: {jobs.Count} image(s){(part.Count > 1 ? $" (shard {part})" : "")}");
            var writing = new UpscaleWriting(parse.GetValue(skipExisting), parse.GetValue(jpegQuality), parse.GetValue(pngCompression), memoryLimit);
            int exit = UpscaleBatch.Run(context, upscaler, jobs, writing, prefetch);
            if (phases is not null)
                foreach (var line in phases.Report())
                    context.Err.WriteLine(line);
            return exit;
        });
        return command;
    }
}
