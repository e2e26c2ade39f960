using System.CommandLine;
using SuperRes.Models.Networks;

namespace SuperRes.Cli;

/// <summary>
/// <c>--plugin FILE</c>, on every command and repeatable: a .NET assembly whose public <see cref="IModelPlugin"/>
/// classes add networks to the registry before the command runs (<c>superres models</c> lists them, <c>--model</c> finds them).
/// </summary>
internal static class PluginOption
{
    public const string Name = "--plugin";

    public static Option<string[]> Create() => new(Name)
    {
        Description = "Load networks from a plugin assembly (.dll with IModelPlugin classes); repeatable",
        HelpName = "assembly.dll",
        Recursive = true,
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Registers the networks of every <c>--plugin</c> of the command line.</summary>
    public static void LoadAll(ParseResult parse)
    {
        foreach (var path in parse.GetValue<string[]>(Name) ?? [])
            ModelPlugins.Load(path);
    }
}
