namespace SuperRes.Runtime;

/// <summary>
/// A block of float32 elements in one device's memory, handed out by that device's <see cref="MemoryPool"/>.
/// Disposing returns the block to the pool for reuse; it is not freed in the backend until the pool trims.
/// </summary>
public sealed class DeviceBuffer : IDisposable
{
    private MemoryBlock? _block;

    internal DeviceBuffer(Device device, MemoryBlock block, long length)
    {
        Device = device;
        _block = block;
        Length = length;
    }

    public Device Device { get; }

    /// <summary>Number of float32 elements the caller asked for (the block may be larger).</summary>
    public long Length { get; }

    public long SizeBytes => Length * sizeof(float);

    public bool IsDisposed => _block is null;

    /// <summary>The backend handle: a cl_mem, a CUdeviceptr, or an index into the Cpu device's arrays.</summary>
    public nint Handle => Block.Handle;

    /// <summary>The managed array behind a Cpu buffer (null on other backends).</summary>
    public float[]? HostArray => Block.HostArray;

    internal MemoryBlock Block => _block ?? throw new ObjectDisposedException(nameof(DeviceBuffer), $"a buffer of {Length} floats on {Device.Info.Id} was used after Dispose");

    /// <summary>The Cpu buffer as a span of exactly <see cref="Length"/> elements.</summary>
    public Span<float> AsSpan() =>
        HostArray is { } a ? a.AsSpan(0, checked((int)Length)) : throw new InvalidOperationException($"buffer on {Device.Info.Id} is not host memory");

    public void Dispose()
    {
        var block = Interlocked.Exchange(ref _block, null);
        if (block is not null)
        {
            Device.Memory.Return(block);
            GC.SuppressFinalize(this);
        }
    }

    // A leaked buffer still goes back to the pool; the pool drains such returns on its owning thread.
    ~DeviceBuffer()
    {
        var block = Interlocked.Exchange(ref _block, null);
        if (block is not null)
            Device.Memory.ReturnFromFinalizer(block);
    }
}

/// <summary>One raw allocation made by a backend; pooled and reused across <see cref="DeviceBuffer"/>s.</summary>
public sealed class MemoryBlock(nint handle, long sizeBytes, float[]? hostArray = null)
{
    public nint Handle { get; } = handle;
    public long SizeBytes { get; } = sizeBytes;
    public float[]? HostArray { get; } = hostArray;
}
