using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace SuperRes.Tensors.Backends;

/// <summary>
/// How the Cpu backend shares a memory-bound loop between cores: [0, n) is cut into a number of chunks that
/// depends on n only (never on the core count), and on the calling thread below <see cref="MinChunk"/> elements.
/// Above, the caller and up to (cores − 1) helpers queued on the .NET thread pool (the one the convolutions use)
/// claim chunks one at a time; the caller waits only for chunks a helper has started, never for a helper that has
/// not (on a loaded machine a queued helper may wait tens of milliseconds for a core, and Parallel.For waited with
/// it). Because the chunks are fixed, a reduction that sums per chunk and then adds the chunk sums in order gives
/// the same bits on any machine with the same vector width. Never call these from inside another parallel loop.
/// </summary>
public static class CpuChunks
{
    /// <summary>Elements per chunk at least (128 KiB of floats): below that, sharing costs more than it saves.</summary>
    public const int MinChunk = 1 << 15;

    /// <summary>At most this many chunks, so a chunk stays large and the pool's queue short.</summary>
    public const int MaxChunks = 64;

    public delegate void RangeBody(int start, int end);

    public delegate void SegmentBody(int segment, int start, int end);

    /// <summary>The number of chunks for <paramref name="n"/> elements: a function of n alone.</summary>
    public static int Count(long n) => (int)Math.Clamp(n / MinChunk, 1, MaxChunks);

    /// <summary>Start of chunk <paramref name="c"/> of <paramref name="count"/> over [0, n), a multiple of 16 elements.</summary>
    private static int Boundary(long n, int c, int count) => c == count ? checked((int)n) : (int)(n * c / count) & ~15;

    /// <summary>body(start, end) over chunks that together cover [0, n) exactly once.</summary>
    public static void For(long n, RangeBody body)
    {
        int count = Count(n);
        if (count == 1)
            body(0, checked((int)n));
        else
            Share(count, c => body(Boundary(n, c, count), Boundary(n, c + 1, count)));
    }

    /// <summary>
    /// body(segment, start, end) over [0, n) seen as consecutive segments of <paramref name="length"/> elements
    /// (planes, per-sample blocks): start and end are offsets inside that segment, a chunk may cover part of one.
    /// </summary>
    public static void ForSegments(long n, int length, SegmentBody body) => For(n, (start, end) =>
    {
        for (int i = start; i < end;)
        {
            int segment = i / length, first = segment * length;
            int stop = Math.Min(end, first + length);
            body(segment, i - first, stop - first);
            i = stop;
        }
    });

    /// <summary>Σ over chunks of partial(start, end), the chunk sums added in chunk order: deterministic.</summary>
    public static double Sum(long n, Func<int, int, double> partial)
    {
        int count = Count(n);
        if (count == 1)
            return partial(0, checked((int)n));
        var sums = new double[count];
        Share(count, c => sums[c] = partial(Boundary(n, c, count), Boundary(n, c + 1, count)));
        double total = 0;
        foreach (double s in sums)
            total += s;
        return total;
    }

    /// <summary>
    /// run(task) for every task in [0, count), shared between the caller and its helpers like the chunks (the
    /// caller never waits for a helper that has not started). For loops over planes, channels, bands or tiles whose
    /// tasks write disjoint outputs: the bits then do not depend on the core count or on which thread ran a task.
    /// </summary>
    public static void ForEachTask(int count, Action<int> run)
    {
        if (count == 1)
            run(0);
        else if (count > 1)
            Share(count, run);
    }

    /// <summary>run(c) for c in [0, count): the caller and its helpers claim chunks until none is left.</summary>
    private static void Share(int count, Action<int> run)
    {
        var job = new Job(count, run);
        for (int h = Math.Min(Environment.ProcessorCount, count) - 1; h > 0; h--)
            ThreadPool.UnsafeQueueUserWorkItem(static j => j.Work(), job, preferLocal: false);
        job.Work();
        job.WaitForStartedChunks();
    }

    private sealed class Job(int count, Action<int> run)
    {
        private readonly ManualResetEventSlim _finished = new(); // never asked for its WaitHandle: nothing to dispose
        private int _next = -1;
        private int _done;
        private ExceptionDispatchInfo? _error;

        public void Work()
        {
            int c;
            while ((c = Interlocked.Increment(ref _next)) < count)
            {
                try
                {
                    run(c);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(e), null);
                }
                if (Interlocked.Increment(ref _done) == count)
                    _finished.Set();
            }
        }

        /// <summary>Returns when every chunk has run (the caller has claimed the rest); rethrows the first failure.</summary>
        public void WaitForStartedChunks()
        {
            _finished.Wait();
            _error?.Throw();
        }
    }

    /// <summary>The vector at <paramref name="span"/>[i] (no bounds check: i + Vector.Count ≤ length is the caller's).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Load(ReadOnlySpan<float> span, int i) =>
        Vector.LoadUnsafe(ref MemoryMarshal.GetReference(span), (nuint)i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector<float> value, Span<float> span, int i) =>
        value.StoreUnsafe(ref MemoryMarshal.GetReference(span), (nuint)i);
}
