using System.CommandLine;
using SuperRes.Models.Inference;
using SuperRes.Models.Networks;

namespace SuperRes.Cli.Commands;

/// <summary>The options that choose a network: <c>--model</c>, <c>--scale</c>, <c>--weights</c>, <c>--options</c>.</summary>
internal sealed class ModelArguments
{
    public Option<string?> Model { get; } = new("--model", "-m")
    {
        Description = "Network name (see `superres models`); not needed with a safetensors file of ours",
    };

    public Option<int?> Scale { get; } = new("--scale", "-s") { Description = "Upscaling factor (2, 3 or 4)" };

    public Option<string?> Weights { get; } = new("--weights", "-w")
    {
        Description = "Weights: .safetensors or a PyTorch .pt/.pth (zip or legacy) [default: the shipped network for the scale]",
        HelpName = "file",
    };

    public Option<string?> ModelOptionsText { get; } = new("--options")
    {
        Description = "Network configuration overrides, e.g. blocks=8,features=32",
        HelpName = "k=v,...",
    };

    public static ModelArguments AddTo(Command command)
    {
        var args = new ModelArguments();
        command.Options.Add(args.Model);
        command.Options.Add(args.Scale);
        command.Options.Add(args.Weights);
        command.Options.Add(args.ModelOptionsText);
        return args;
    }

    /// <summary>Loads the chosen network, falling back to the shipped default for the scale.</summary>
    public Upscaler LoadUpscaler(ParseResult parse, Device device, UpscaleOptions options)
    {
        var weights = parse.GetValue(Weights);
        var model = parse.GetValue(Model);
        var scale = parse.GetValue(Scale);
        if (weights is null)
        {
            if (model is not null)
                throw new SuperResException($"--model {model} needs --weights FILE (only the default networks ship with weights)");
            int s = scale ?? 4;
            weights = ShippedWeights.DefaultFor(s)
                ?? throw new SuperResException($"no shipped weights for x{s} in {ShippedWeights.Directory}; pass --weights FILE");
        }
        if (!File.Exists(weights))
            throw new SuperResException($"no weights file {weights}");
        if (scale is { } requested && WeightsMetadata.RecordedScale(weights) is { } recorded && recorded != requested)
            throw new SuperResException($"--scale {requested} contradicts {weights}, which holds x{recorded} weights; leave out --scale or pass x{requested} weights");
        return Upscaler.Load(device, model, scale, weights, options, ModelOptions.Parse(parse.GetValue(ModelOptionsText)));
    }
}
