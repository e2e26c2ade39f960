using System.CommandLine;
using SuperRes.Runtime;
using SuperRes.Training.Distributed;

namespace SuperRes.Cli.Commands;

/// <summary>
/// What <c>superres train --distributed</c> adds around one rank's run: the device (NCCL: one GPU per rank),
/// the collective, and the failure policy — a rank that fails says why, with its rank, and ends every rank
/// through the launcher (MPI_Abort) instead of leaving the others waiting in a collective.
/// </summary>
internal static class DistributedTraining
{
    /// <summary>The training device; with NCCL and <c>--device auto</c> or <c>cuda</c>, cuda:LOCAL_RANK of the launcher.</summary>
    public static Runtime.Device OpenDevice(ParseResult parse, DeviceOptions device, CliContext context, DistributedBackend backend)
    {
        var spec = (parse.GetValue(device.Device) ?? "auto").Trim().ToLowerInvariant();
        if (backend == DistributedBackend.Nccl && spec is "auto" or "cuda")
            return Devices.Open($"cuda:{Collectives.LocalRank()}", parse.GetValue(device.MaxMemory));
        return device.Open(parse, context);
    }

    public static int Run(CliContext context, DistributedBackend backend, Runtime.Device device, Func<ICollective, int> train)
    {
        using var collective = Collectives.Start(backend, device);
        if (collective.Size == 1)
            return train(collective);
        try
        {
            return train(collective);
        }
        catch (Exception e)
        {
            string what = CommandActions.IsUserFacing(e) ? e.Message : $"{e.GetType().Name}: {e.Message}";
            context.WriteError($"{collective.Describe()} failed: {what}; ending every rank (the last complete checkpoint is kept)");
            collective.Abort(ExitCodes.Failure);
            return ExitCodes.Failure;
        }
    }
}
