namespace SuperRes.Runtime.Cpu;

/// <summary>
/// Host memory as a device: buffers are managed float arrays and every operation completes before it
/// returns, so the queue is always empty. Ops on this device run the C# reference implementations.
/// </summary>
public sealed class CpuDevice : Device
{
    public CpuDevice(long? memoryCapBytes = null)
        : base(CpuProvider.Info, memoryCapBytes ?? CpuProvider.Info.MemoryBytes) { }

    public override long FreeMemoryBytes => Math.Max(0, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes - GC.GetTotalMemory(false));

    public override void Write(DeviceBuffer destination, ReadOnlySpan<float> source, long destinationOffset = 0)
    {
        CheckRange(destination, destinationOffset, source.Length, "Write");
        source.CopyTo(destination.HostArray.AsSpan(checked((int)destinationOffset)));
    }

    public override void Read(DeviceBuffer source, Span<float> destination, long sourceOffset = 0)
    {
        CheckRange(source, sourceOffset, destination.Length, "Read");
        source.HostArray.AsSpan(checked((int)sourceOffset), destination.Length).CopyTo(destination);
    }

    public override void WriteAsync(HostBuffer source, long sourceOffset, DeviceBuffer destination, long destinationOffset, long count) =>
        Write(destination, source.AsSpan().Slice(checked((int)sourceOffset), checked((int)count)), destinationOffset);

    public override void ReadAsync(DeviceBuffer source, long sourceOffset, HostBuffer destination, long destinationOffset, long count) =>
        Read(source, destination.AsSpan().Slice(checked((int)destinationOffset), checked((int)count)), sourceOffset);

    public override void Copy(DeviceBuffer source, long sourceOffset, DeviceBuffer destination, long destinationOffset, long count)
    {
        CheckRange(source, sourceOffset, count, "Copy source");
        CheckRange(destination, destinationOffset, count, "Copy destination");
        Array.Copy(source.HostArray!, sourceOffset, destination.HostArray!, destinationOffset, count);
    }

    public override void Synchronize() { }

    public override DeviceEvent RecordEvent() => new CpuEvent(System.Diagnostics.Stopwatch.GetTimestamp());

    public override double ElapsedMilliseconds(DeviceEvent start, DeviceEvent end) =>
        System.Diagnostics.Stopwatch.GetElapsedTime(((CpuEvent)start).Timestamp, ((CpuEvent)end).Timestamp).TotalMilliseconds;

    protected internal override MemoryBlock AllocateBlock(long bytes)
    {
        long floats = bytes / sizeof(float);
        if (floats > Array.MaxLength)
            throw new DeviceOutOfMemoryException(Info.Id, bytes, Memory.InUseBytes, Memory.CapBytes, "larger than one .NET array can hold");
        try
        {
            return new MemoryBlock(0, bytes, GC.AllocateUninitializedArray<float>((int)floats));
        }
        catch (OutOfMemoryException e)
        {
            throw new DeviceOutOfMemoryException(Info.Id, bytes, Memory.InUseBytes, Memory.CapBytes, e.Message);
        }
    }

    protected internal override void FreeBlock(MemoryBlock block) { }

    private sealed class CpuEvent(long timestamp) : DeviceEvent
    {
        public long Timestamp { get; } = timestamp;
    }
}
