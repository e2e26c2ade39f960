using System.CommandLine;
using Spectre.Console;
using SuperRes.Models.Networks;
using SuperRes.Models.Weights;

namespace SuperRes.Cli.Commands;

/// <summary><c>superres convert IN OUT</c>: PyTorch .pt ↔ safetensors (with our metadata).</summary>
internal static class ConvertCommand
{
    public static Command Create(CliContext context)
    {
        var input = new Argument<string>("input") { Description = "Weights to read: .pt/.pth (zip or legacy) or .safetensors" };
        var output = new Argument<string>("output") { Description = "File to write: .safetensors, or .pt/.pth for a PyTorch-loadable zip" };
        var nonStrict = new Option<bool>("--non-strict") { Description = "Load what matches and report what was skipped" };
        var command = new Command("convert", "Convert weights between PyTorch checkpoints and safetensors") { input, output, nonStrict };
        var model = ModelArguments.AddTo(command);
        command.SetHandler(context, parse =>
        {
            using var cpu = Devices.Open("cpu");
            var (network, report) = NetworkWeights.Load(
                cpu, parse.GetValue(input)!, parse.GetValue(model.Model), parse.GetValue(model.Scale),
                ModelOptions.Parse(parse.GetValue(model.ModelOptionsText)), strict: !parse.GetValue(nonStrict));
            using (network)
            {
                if (!report.IsComplete)
                    context.Err.MarkupLine($"[yellow]warning:[/] {Markup.Escape(report.Describe())}");
                var target = parse.GetValue(output)!;
                NetworkWeights.Save(network, target);
                context.Out.MarkupLine($"{Markup.Escape(network.Architecture)} x{network.Scale}: {report.Loaded.Count} tensors → {Markup.Escape(target)}");
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
