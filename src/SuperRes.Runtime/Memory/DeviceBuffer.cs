namespace SuperRes.Runtime;

/// <summary>
/// A block of float32 elements in one device's memory, handed out by that device's <see cref="MemoryPool"/>.
/// Disposing returns the block to the pool for reuse; it is not freed in the backend until the pool trims.
/// </summary>
public sealed class DeviceBuffer : IDisposable
{
    private MemoryBlock? _block;
    private long _writes;
    private readonly Lock _derivedLock = new();
    private Dictionary<string, (long Writes, DeviceBuffer Buffer)>? _derived;

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

    /// <summary>
    /// Counts the operations of a kernel device (CUDA, OpenCL) that may have written the buffer: host writes and copies
    /// into it, and every kernel launch it is an argument of (a launch does not say which arguments it writes, so one
    /// that only reads it counts too). Anything that writes it through <see cref="Handle"/> calls
    /// <see cref="MarkWritten"/>. Cpu kernels write the arrays directly and do not count.
    /// </summary>
    public long WriteCount => Interlocked.Read(ref _writes);

    /// <summary>Records that the buffer may have been written (see <see cref="WriteCount"/>).</summary>
    public void MarkWritten() => Interlocked.Increment(ref _writes);

    /// <summary>
    /// A buffer computed from this one's contents (transformed weights, …), kept under <paramref name="key"/> and made
    /// again by <paramref name="make"/> whenever this buffer has been written since (<see cref="WriteCount"/>). The
    /// derived buffer belongs to this one and is disposed with it; <paramref name="make"/> may launch kernels that
    /// read this buffer (the count is taken after it returns), and must not write it.
    /// </summary>
    public DeviceBuffer Derived(string key, Func<DeviceBuffer, DeviceBuffer> make)
    {
        _ = Block;
        lock (_derivedLock)
        {
            _derived ??= new Dictionary<string, (long, DeviceBuffer)>(StringComparer.Ordinal);
            if (_derived.TryGetValue(key, out var cached) && cached.Writes == WriteCount)
                return cached.Buffer;
            if (_derived.Remove(key))
                cached.Buffer.Dispose();
            var made = make(this);
            _derived[key] = (WriteCount, made);
            return made;
        }
    }

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
            lock (_derivedLock)
            {
                if (_derived is not null)
                    foreach (var (_, derived) in _derived.Values)
                        derived.Dispose();
                _derived = null;
            }
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
