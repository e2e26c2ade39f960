using System.Collections.Concurrent;
using System.Diagnostics;

namespace SuperRes.Training;

/// <summary>
/// Makes batches on background threads ahead of the training loop. Worker w makes iterations first + w,
/// first + w + W, …; each worker has its own bounded queue, so at most <c>depth</c> ready batches wait in memory
/// and the loop takes them back in order. Batches are pure functions of their iteration, so which thread made
/// one changes nothing. <see cref="Take"/> measures how long the loop waited.
/// </summary>
public sealed class BatchPrefetcher : IDisposable
{
    private readonly BlockingCollection<(Batch? Batch, Exception? Error)>[] _queues;
    private readonly Thread[] _threads;
    private readonly CancellationTokenSource _stop = new();
    private readonly long _first;
    private long _next;

    public BatchPrefetcher(Func<long, Batch> make, long first, long last, int workers, int depth)
    {
        _first = _next = first;
        workers = (int)Math.Max(1, Math.Min(workers, last - first + 1));
        int perWorker = Math.Max(1, depth / workers);
        _queues = new BlockingCollection<(Batch?, Exception?)>[workers];
        _threads = new Thread[workers];
        for (int w = 0; w < workers; w++)
        {
            var queue = _queues[w] = new BlockingCollection<(Batch?, Exception?)>(perWorker);
            long start = first + w;
            int stride = workers;
            _threads[w] = new Thread(() => Work(make, queue, start, last, stride)) { IsBackground = true, Name = $"superres-data-{w}" };
            _threads[w].Start();
        }
    }

    /// <summary>Total time <see cref="Take"/> blocked waiting for a batch that was not ready.</summary>
    public TimeSpan Waited { get; private set; }

    /// <summary>The batch of <paramref name="iteration"/>; iterations must be taken in order.</summary>
    public Batch Take(long iteration, CancellationToken token = default)
    {
        if (iteration != _next)
            throw new InvalidOperationException($"batches are taken in order: expected iteration {_next}, asked for {iteration}");
        var queue = _queues[(iteration - _first) % _queues.Length];
        var watch = Stopwatch.StartNew();
        var (batch, error) = queue.Take(token);
        Waited += watch.Elapsed;
        if (error is not null)
            throw new SuperResException($"making the batch of iteration {iteration} failed: {error.Message}", error);
        _next++;
        return batch!;
    }

    private void Work(Func<long, Batch> make, BlockingCollection<(Batch?, Exception?)> queue, long start, long last, int stride)
    {
        try
        {
            for (long i = start; i <= last && !_stop.IsCancellationRequested; i += stride)
            {
                (Batch?, Exception?) item;
                try
                {
                    item = (make(i), null);
                }
                catch (Exception e)
                {
                    queue.Add((null, e), _stop.Token);
                    return;
                }
                queue.Add(item, _stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        foreach (var t in _threads)
            t.Join();
        foreach (var q in _queues)
            q.Dispose();
        _stop.Dispose();
    }
}
