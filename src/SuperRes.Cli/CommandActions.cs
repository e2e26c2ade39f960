using System.CommandLine;
using SuperRes.Runtime;

namespace SuperRes.Cli;

internal static class CommandActions
{
    /// <summary>
    /// Sets a command's action with the shared error policy: an engine error (<see cref="SuperResException"/>)
    /// is expected — a missing device, a bad file — and prints one <c>error:</c> line, exit 1.
    /// </summary>
    public static void SetHandler(this Command command, CliContext context, Func<ParseResult, int> action) =>
        command.SetAction(parse =>
        {
            try
            {
                PluginOption.LoadAll(parse);
                return action(parse);
            }
            catch (Exception e) when (IsUserFacing(e))
            {
                context.WriteError(e.Message);
                return ExitCodes.Failure;
            }
        });

    /// <summary>Errors about the user's input or environment: every engine error (bad weights, images, checkpoints,
    /// options, devices all derive from <see cref="SuperResException"/>), and the OS's missing or unreadable paths.</summary>
    public static bool IsUserFacing(Exception e) =>
        e is SuperResException or IOException or UnauthorizedAccessException;
}
