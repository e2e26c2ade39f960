using System.Collections.Concurrent;

namespace SuperRes.Runtime;

/// <summary>
/// Caching allocator: freed blocks are kept by size and reused for later requests of up to the same size
/// (and at least half of it), so steady-state inference and training allocate nothing from the backend.
/// Enforces a memory cap on the bytes held (live and cached); when a request would pass the cap or the
/// backend reports out of memory, the cache is released and the request retried once before failing.
/// </summary>
public sealed class MemoryPool
{
    private const long Granularity = 512;
    private readonly Device _device;
    private readonly SortedDictionary<long, Stack<MemoryBlock>> _free = new();
    private readonly ConcurrentQueue<MemoryBlock> _finalizerReturns = new();
    private readonly object _lock = new();

    internal MemoryPool(Device device, long capBytes)
    {
        _device = device;
        CapBytes = capBytes;
    }

    /// <summary>Upper bound on bytes held from the backend (live plus cached).</summary>
    public long CapBytes { get; set; }

    /// <summary>Bytes in blocks currently owned by live buffers.</summary>
    public long InUseBytes { get; private set; }

    /// <summary>Bytes in freed blocks kept for reuse.</summary>
    public long CachedBytes { get; private set; }

    /// <summary>Largest <see cref="InUseBytes"/> seen since the last <see cref="ResetPeak"/>.</summary>
    public long PeakInUseBytes { get; private set; }

    public long BackendAllocations { get; private set; }

    public void ResetPeak()
    {
        lock (_lock) PeakInUseBytes = InUseBytes;
    }

    public DeviceBuffer Allocate(long length)
    {
        if (length <= 0)
            throw new ArgumentOutOfRangeException(nameof(length), length, $"buffer length on {_device.Info.Id} must be positive");
        long bytes = RoundUp(checked(length * sizeof(float)));
        lock (_lock)
        {
            DrainFinalizerReturns();
            var block = TakeCached(bytes) ?? AllocateFromBackend(bytes);
            InUseBytes += block.SizeBytes;
            PeakInUseBytes = Math.Max(PeakInUseBytes, InUseBytes);
            return new DeviceBuffer(_device, block, length);
        }
    }

    /// <summary>Frees every cached block in the backend.</summary>
    public void Trim()
    {
        lock (_lock)
        {
            DrainFinalizerReturns();
            foreach (var stack in _free.Values)
                while (stack.TryPop(out var block))
                    _device.FreeBlock(block);
            _free.Clear();
            CachedBytes = 0;
        }
    }

    internal void Return(MemoryBlock block)
    {
        lock (_lock)
        {
            InUseBytes -= block.SizeBytes;
            if (!_free.TryGetValue(block.SizeBytes, out var stack))
                _free[block.SizeBytes] = stack = new Stack<MemoryBlock>();
            stack.Push(block);
            CachedBytes += block.SizeBytes;
        }
    }

    internal void ReturnFromFinalizer(MemoryBlock block) => _finalizerReturns.Enqueue(block);

    private void DrainFinalizerReturns()
    {
        while (_finalizerReturns.TryDequeue(out var block))
            Return(block);
    }

    private static long RoundUp(long bytes) => (bytes + Granularity - 1) / Granularity * Granularity;

    private MemoryBlock? TakeCached(long bytes)
    {
        // Best fit among blocks no more than twice the request, so a small tensor never pins a huge block.
        foreach (var (size, stack) in _free)
        {
            if (size < bytes || stack.Count == 0)
                continue;
            if (size > 2 * bytes)
                break;
            var block = stack.Pop();
            CachedBytes -= block.SizeBytes;
            return block;
        }
        return null;
    }

    private MemoryBlock AllocateFromBackend(long bytes)
    {
        if (InUseBytes + CachedBytes + bytes > CapBytes)
            Trim();
        if (InUseBytes + bytes > CapBytes)
            throw new DeviceOutOfMemoryException(_device.Info.Id, bytes, InUseBytes, CapBytes);
        try
        {
            var block = _device.AllocateBlock(bytes);
            BackendAllocations++;
            return block;
        }
        catch (DeviceOutOfMemoryException)
        {
            Trim();
            try
            {
                var block = _device.AllocateBlock(bytes);
                BackendAllocations++;
                return block;
            }
            catch (DeviceOutOfMemoryException e)
            {
                throw new DeviceOutOfMemoryException(_device.Info.Id, bytes, InUseBytes, CapBytes, "the device itself has no more free memory: " + e.Message);
            }
        }
    }
}
