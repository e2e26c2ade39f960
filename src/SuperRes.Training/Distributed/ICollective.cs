namespace SuperRes.Training.Distributed;

/// <summary>
/// The collective operations data-parallel training needs, over host memory. Every rank calls the same
/// operations in the same order with the same lengths. <see cref="AllReduceOrderedSum"/> is deterministic and
/// independent of the transport: rank r's contribution is leaf r of <see cref="OrderedSum.Tree"/>, so the
/// result is bit for bit what one process summing the same N vectors in that tree gets.
/// </summary>
public interface ICollective : IDisposable
{
    /// <summary>This process's index, 0 … <see cref="Size"/> − 1.</summary>
    int Rank { get; }

    /// <summary>The number of processes.</summary>
    int Size { get; }

    /// <summary>The backend and the placement, for the run's first line (e.g. "mpi rank 1 of 2 on host").</summary>
    string Describe();

    /// <summary>Replaces <paramref name="values"/> on every rank by the sum over ranks, combined in the fixed tree over rank indices.</summary>
    void AllReduceOrderedSum(Span<float> values);

    /// <summary>Copies <paramref name="values"/> of rank <paramref name="root"/> to every rank.</summary>
    void Broadcast(Span<float> values, int root);

    /// <summary>Returns once every rank has called it.</summary>
    void Barrier();

    /// <summary>Ends every rank of the job at once (after this rank reported why); does not return.</summary>
    void Abort(int exitCode);
}

/// <summary>One process on its own: every collective is the identity.</summary>
public sealed class SingleProcess : ICollective
{
    public static readonly SingleProcess Instance = new();

    public int Rank => 0;
    public int Size => 1;
    public string Describe() => "single process";
    public void AllReduceOrderedSum(Span<float> values) { }
    public void Broadcast(Span<float> values, int root) { }
    public void Barrier() { }
    public void Abort(int exitCode) => Environment.Exit(exitCode);
    public void Dispose() { }
}

/// <summary>A collective backend could not start or a collective call failed; the message names the library and call.</summary>
public sealed class CollectiveException(string message) : SuperResException(message);
