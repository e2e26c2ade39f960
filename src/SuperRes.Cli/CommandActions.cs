using System.CommandLine;
using SuperRes.Runtime;

namespace SuperRes.Cli;

public static class CommandActions
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

    /// <summary>Errors about the user's input or environment: bad files, missing paths, devices, weights.</summary>
    public static bool IsUserFacing(Exception e) =>
        e is SuperResException or Imaging.ImageFormatException or Models.Serialization.WeightFormatException
            or IOException or UnauthorizedAccessException;
}
