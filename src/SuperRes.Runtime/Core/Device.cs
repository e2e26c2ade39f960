namespace SuperRes.Runtime;

/// <summary>
/// An opened compute device with its own memory pool and one in-order queue (OpenCL command queue,
/// CUDA stream; the Cpu device runs everything at once). Work is enqueued asynchronously; reads that
/// return data to the host wait for the queue. Not thread-safe: one thread drives a device.
/// </summary>
public abstract class Device : IDisposable
{
    protected Device(DeviceInfo info, long memoryCapBytes)
    {
        Info = info;
        Memory = new MemoryPool(this, memoryCapBytes);
    }

    public DeviceInfo Info { get; }

    public MemoryPool Memory { get; }

    public BackendKind Backend => Info.Backend;

    /// <summary>Bytes the backend reports free right now (before this process's cached blocks are counted).</summary>
    public abstract long FreeMemoryBytes { get; }

    public DeviceBuffer Allocate(long length) => Memory.Allocate(length);

    /// <summary>Allocates a buffer and fills it from host memory.</summary>
    public DeviceBuffer Upload(ReadOnlySpan<float> data)
    {
        var buffer = Allocate(data.Length);
        Write(buffer, data);
        return buffer;
    }

    /// <summary>Reads a whole buffer back to a new host array (waits for queued work).</summary>
    public float[] Download(DeviceBuffer buffer)
    {
        var result = new float[buffer.Length];
        Read(buffer, result);
        return result;
    }

    /// <summary>Copies host memory into the buffer; the span may be reused as soon as this returns.</summary>
    public abstract void Write(DeviceBuffer destination, ReadOnlySpan<float> source, long destinationOffset = 0);

    /// <summary>Copies buffer contents to host memory after all queued work that precedes it.</summary>
    public abstract void Read(DeviceBuffer source, Span<float> destination, long sourceOffset = 0);

    /// <summary>Enqueues a host→device copy from pinned memory; <paramref name="source"/> must stay untouched until <see cref="Synchronize"/>.</summary>
    public abstract void WriteAsync(HostBuffer source, long sourceOffset, DeviceBuffer destination, long destinationOffset, long count);

    /// <summary>Enqueues a device→host copy into pinned memory; the data is there after <see cref="Synchronize"/>.</summary>
    public abstract void ReadAsync(DeviceBuffer source, long sourceOffset, HostBuffer destination, long destinationOffset, long count);

    /// <summary>Enqueues a device→device copy of <paramref name="count"/> elements.</summary>
    public abstract void Copy(DeviceBuffer source, long sourceOffset, DeviceBuffer destination, long destinationOffset, long count);

    /// <summary>Blocks until every enqueued operation has finished.</summary>
    public abstract void Synchronize();

    /// <summary>Enqueues a timing marker; completes when the work enqueued before it completes.</summary>
    public abstract DeviceEvent RecordEvent();

    /// <summary>Device time between two recorded events, in milliseconds (waits for <paramref name="end"/>).</summary>
    public abstract double ElapsedMilliseconds(DeviceEvent start, DeviceEvent end);

    /// <summary>Makes a raw backend allocation; throws <see cref="DeviceOutOfMemoryException"/> when the device is full.</summary>
    protected internal abstract MemoryBlock AllocateBlock(long bytes);

    protected internal abstract void FreeBlock(MemoryBlock block);

    protected void CheckRange(DeviceBuffer buffer, long offset, long count, string what)
    {
        if (buffer.Device != this)
            throw new ArgumentException($"{what}: buffer belongs to {buffer.Device.Info.Id}, not {Info.Id}");
        if (offset < 0 || count < 0 || offset + count > buffer.Length)
            throw new ArgumentOutOfRangeException(what, $"{what}: elements [{offset}, {offset + count}) are outside a buffer of {buffer.Length} on {Info.Id}");
    }

    public virtual void Dispose()
    {
        Memory.Trim();
        GC.SuppressFinalize(this);
    }

    public override string ToString() => Info.ToString();
}

/// <summary>A point in a device queue, used for timing.</summary>
public abstract class DeviceEvent : IDisposable
{
    public virtual void Dispose() => GC.SuppressFinalize(this);
}
