namespace SuperRes.Training.Distributed;

/// <summary>How the ranks of a data-parallel run talk: <c>--distributed none|mpi|nccl</c>.</summary>
public enum DistributedBackend
{
    None,
    Mpi,
    Nccl,
}

public static class Collectives
{
    public static DistributedBackend Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "none" or "" => DistributedBackend.None,
        "mpi" => DistributedBackend.Mpi,
        "nccl" => DistributedBackend.Nccl,
        _ => throw new SuperResException($"--distributed '{text}': use none, mpi (CPU processes and hosts) or nccl (one GPU per rank)"),
    };

    /// <summary>Starts the backend; <paramref name="device"/> is the training device (NCCL needs it to be CUDA).</summary>
    public static ICollective Start(DistributedBackend backend, Device device) => backend switch
    {
        DistributedBackend.Mpi => MpiCollective.Start(),
        DistributedBackend.Nccl => NcclCollective.Start(device),
        _ => SingleProcess.Instance,
    };

    /// <summary>Whether mpirun/mpiexec (Open MPI, or a PMI launcher such as Slurm's srun) started this process.</summary>
    public static bool LaunchedByMpi =>
        new[] { "OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK" }.Any(name => Environment.GetEnvironmentVariable(name) is not null);

    /// <summary>
    /// This process's rank on its host as the launcher set it (Open MPI, Slurm, PMIx), before any backend starts:
    /// NCCL ranks pick their GPU with it (cuda:LOCAL_RANK). 0 when not launched by one of them.
    /// </summary>
    public static int LocalRank()
    {
        foreach (var name in new[] { "OMPI_COMM_WORLD_LOCAL_RANK", "SLURM_LOCALID", "PMIX_LOCAL_RANK", "MPI_LOCALRANKID" })
            if (int.TryParse(Environment.GetEnvironmentVariable(name), out int rank) && rank >= 0)
                return rank;
        return 0;
    }
}
