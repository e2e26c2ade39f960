namespace SuperRes.Training.Distributed;

/// <summary>
/// Collectives over MPI_COMM_WORLD of Open MPI. The ordered all-reduce is a reduce-scatter by MPI_Alltoall
/// (rank j receives every rank's j-th chunk), the fixed-tree sum of those chunks in rank order
/// (<see cref="OrderedSum.Tree"/>), and an MPI_Allgather of the summed chunks: the same 2(N−1)/N·S bytes per
/// rank as a ring all-reduce, but with one association order whatever the transport does.
/// </summary>
public sealed unsafe class MpiCollective : ICollective
{
    private readonly string _host;
    private float[] _send = [], _receive = [];
    private bool _finalized;

    private MpiCollective(int rank, int size, string host)
    {
        Rank = rank;
        Size = size;
        _host = host;
    }

    public int Rank { get; }
    public int Size { get; }

    /// <summary>Initialises MPI (once per process) and reads this process's place in MPI_COMM_WORLD.</summary>
    public static MpiCollective Start()
    {
        MpiNative.Load();
        int initialized = 0;
        MpiNative.Check(MpiNative.MPI_Initialized(&initialized), "MPI_Initialized");
        if (initialized == 0)
            MpiNative.Check(MpiNative.MPI_Init(null, null), "MPI_Init");
        // Errors come back as codes (and become CollectiveException with MPI's text) instead of aborting silently.
        MpiNative.Check(MpiNative.MPI_Comm_set_errhandler(MpiNative.CommWorld, MpiNative.ErrorsReturn), "MPI_Comm_set_errhandler");
        int rank = 0, size = 0;
        MpiNative.Check(MpiNative.MPI_Comm_rank(MpiNative.CommWorld, &rank), "MPI_Comm_rank");
        MpiNative.Check(MpiNative.MPI_Comm_size(MpiNative.CommWorld, &size), "MPI_Comm_size");
        return new MpiCollective(rank, size, MpiNative.ProcessorName());
    }

    public string Describe() => $"mpi rank {Rank} of {Size} on {_host}";

    public void AllReduceOrderedSum(Span<float> values)
    {
        if (Size == 1)
            return;
        int chunk = checked((int)((values.Length + (long)Size - 1) / Size));
        int padded = checked(chunk * Size);
        if (_send.Length != padded)
        {
            _send = new float[padded];
            _receive = new float[padded];
        }
        values.CopyTo(_send);
        _send.AsSpan(values.Length).Clear();
        fixed (float* send = _send, receive = _receive)
            MpiNative.Check(MpiNative.MPI_Alltoall(send, chunk, MpiNative.Float, receive, chunk, MpiNative.Float, MpiNative.CommWorld), "MPI_Alltoall");
        OrderedSum.TreeOfBlocks(_receive, Size, chunk);
        _receive.AsSpan(0, chunk).CopyTo(_send);
        fixed (float* mine = _send, all = _receive)
            MpiNative.Check(MpiNative.MPI_Allgather(mine, chunk, MpiNative.Float, all, chunk, MpiNative.Float, MpiNative.CommWorld), "MPI_Allgather");
        _receive.AsSpan(0, values.Length).CopyTo(values);
    }

    public void Broadcast(Span<float> values, int root)
    {
        if (Size == 1 || values.Length == 0)
            return;
        fixed (float* p = values)
            MpiNative.Check(MpiNative.MPI_Bcast(p, values.Length, MpiNative.Float, root, MpiNative.CommWorld), "MPI_Bcast");
    }

    /// <summary>Broadcasts raw bytes (the NCCL unique id).</summary>
    public void Broadcast(Span<byte> bytes, int root)
    {
        if (Size == 1 || bytes.Length == 0)
            return;
        fixed (byte* p = bytes)
            MpiNative.Check(MpiNative.MPI_Bcast(p, bytes.Length, MpiNative.Byte, root, MpiNative.CommWorld), "MPI_Bcast");
    }

    public void Barrier() => MpiNative.Check(MpiNative.MPI_Barrier(MpiNative.CommWorld), "MPI_Barrier");

    public void Abort(int exitCode)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        MpiNative.MPI_Abort(MpiNative.CommWorld, exitCode);
        Environment.Exit(exitCode);
    }

    /// <summary>MPI_Finalize: every rank calls it once at the end of a run that did not abort.</summary>
    public void Dispose()
    {
        if (_finalized)
            return;
        _finalized = true;
        int finalized = 0;
        if (MpiNative.MPI_Finalized(&finalized) == 0 && finalized == 0)
            MpiNative.MPI_Finalize();
    }
}
