using System.CommandLine;
using Spectre.Console;
using SuperRes.Models.Networks;
using SuperRes.Tensors.Autograd;

namespace SuperRes.Cli.Commands;

/// <summary><c>superres models</c>: the networks of the zoo with their scales and parameter counts.</summary>
internal static class ModelsCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("models", "List the networks (the zoo and --plugin ones), their scales, input conventions, tiling and trainable parameter counts");
        command.SetHandler(context, _ =>
        {
            using var cpu = Devices.Open("cpu");
            var table = new Table().AddColumns("model", "scales", "input", "tiling", "parameters", "description");
            foreach (var entry in ModelZoo.Entries)
            {
                var counts = entry.IsMultiScale
                    ? [Count(cpu, entry, entry.Scales[0]).ToString("N0")]
                    : entry.Scales.Select(s => $"x{s} {Count(cpu, entry, s):N0}").ToArray();
                table.AddRow(
                    Markup.Escape(entry.Name),
                    string.Join(", ", entry.Scales.Select(s => "x" + s)),
                    entry.Colors.ToString(),
                    entry.Capabilities.TilesExactly ? "exact" : "approx.",
                    string.Join("\n", counts),
                    Markup.Escape(entry.Description));
            }
            context.Out.Write(table);
            context.Out.WriteLine("Input: Rgb255 = RGB in [0, 255] (the network subtracts the DIV2K mean), Rgb01 = RGB in [0, 1], Y01 = the Y channel in [0, 1] (Cb/Cr by bicubic).");
            context.Out.WriteLine("Tiling: exact = tiles give the untiled result; approx. = the network pools over the whole image, so it runs in one piece when memory allows and tiles with a warning otherwise.");
            context.Out.WriteLine("Parameters: trainable scalars (EDSR's frozen MeanShift not counted); FSRCNN's 12,464 convolution weights plus biases and PReLU slopes.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static long Count(Device device, ZooEntry entry, int scale)
    {
        using var _ = Tape.NoGrad();
        using var network = entry.Build(device, scale, ModelOptions.Empty);
        return network.ParameterCount();
    }
}
