using System.Runtime.ExceptionServices;
using static SuperRes.Runtime.OpenCL.OpenClNative;

namespace SuperRes.Runtime.OpenCL;

/// <summary>
/// One OpenCL device: a context and one in-order command queue with profiling on (for <see cref="ElapsedMilliseconds"/>).
/// Buffers are cl_mem objects of the pool's block size; element offsets become byte offsets (× 4) here.
/// Kernel building and launching are in OpenClDevice.Kernels.cs.
/// </summary>
public sealed unsafe partial class OpenClDevice : KernelDevice
{
    private readonly OpenClDeviceEntry _entry;
    private readonly long _maxAllocationBytes;
    private nint _context;
    private nint _queue;
    private bool _disposed;

    internal OpenClDevice(OpenClDeviceEntry entry, long memoryCapBytes) : base(entry.Info, memoryCapBytes)
    {
        _entry = entry;
        nint device = entry.Device;
        MaxWorkGroupSize = (int)Math.Min(OpenClInfo.DeviceValue<nuint>(device, CL_DEVICE_MAX_WORK_GROUP_SIZE), int.MaxValue);
        LocalMemoryBytes = (long)OpenClInfo.DeviceValue<ulong>(device, CL_DEVICE_LOCAL_MEM_SIZE);
        _maxAllocationBytes = (long)Math.Min(OpenClInfo.DeviceValue<ulong>(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE), long.MaxValue);
        LanguageOption = OpenClLanguage.Option(device);

        nint* properties = stackalloc nint[] { CL_CONTEXT_PLATFORM, entry.Platform, 0 };
        int status;
        _context = clCreateContext(properties, 1, &device, 0, 0, &status);
        OpenClErrors.Check(status, "clCreateContext", Info.ToString());
        try
        {
            _queue = CreateQueue(entry, _context);
        }
        catch
        {
            clReleaseContext(_context); // the queue error is the one worth reporting
            _context = 0;
            throw;
        }
    }

    public override int MaxWorkGroupSize { get; }

    public override long LocalMemoryBytes { get; }

    /// <summary>The <c>-cl-std</c> option every build gets: the newest OpenCL C the device supports (<see cref="OpenClLanguage"/>).</summary>
    public string LanguageOption { get; }

    /// <summary>CL_DEVICE_MAX_MEM_ALLOC_SIZE: the largest single buffer the device accepts.</summary>
    public long MaxAllocationBytes => _maxAllocationBytes;

    /// <summary>OpenCL cannot report free memory portably; this is global memory less what this device's pool holds.</summary>
    public override long FreeMemoryBytes => Math.Max(0, Info.MemoryBytes - (Memory.InUseBytes + Memory.CachedBytes));

    protected override void CopyToDevice(DeviceBuffer destination, long destinationOffset, float* source, long count, bool blocking)
    {
        ThrowIfDisposed();
        CheckTransfer(clEnqueueWriteBuffer(_queue, destination.Handle, blocking ? CL_TRUE : CL_FALSE, ToBytes(destinationOffset), ToBytes(count), source, 0, null, null),
            "clEnqueueWriteBuffer", destination);
        if (!blocking)
            Flush(); // start the transfer now rather than at the next blocking call
    }

    protected override void CopyToHost(DeviceBuffer source, long sourceOffset, float* destination, long count, bool blocking)
    {
        ThrowIfDisposed();
        // A blocking read on an in-order queue returns after all work enqueued before it.
        CheckTransfer(clEnqueueReadBuffer(_queue, source.Handle, blocking ? CL_TRUE : CL_FALSE, ToBytes(sourceOffset), ToBytes(count), destination, 0, null, null),
            "clEnqueueReadBuffer", source);
        if (!blocking)
            Flush();
    }

    protected override void CopyOnDevice(DeviceBuffer source, long sourceOffset, DeviceBuffer destination, long destinationOffset, long count)
    {
        ThrowIfDisposed();
        CheckTransfer(clEnqueueCopyBuffer(_queue, source.Handle, destination.Handle, ToBytes(sourceOffset), ToBytes(destinationOffset), ToBytes(count), 0, null, null),
            "clEnqueueCopyBuffer", destination);
    }

    public override void Synchronize()
    {
        ThrowIfDisposed();
        OpenClErrors.Check(clFinish(_queue), "clFinish", Info.ToString());
    }

    public override DeviceEvent RecordEvent()
    {
        ThrowIfDisposed();
        nint evt;
        OpenClErrors.Check(clEnqueueMarkerWithWaitList(_queue, 0, null, &evt), "clEnqueueMarkerWithWaitList");
        var result = new OpenClEvent(this, evt);
        Flush();
        return result;
    }

    public override double ElapsedMilliseconds(DeviceEvent start, DeviceEvent end)
    {
        ThrowIfDisposed();
        if (start is not OpenClEvent s || end is not OpenClEvent e || s.Device != this || e.Device != this)
            throw new ArgumentException($"ElapsedMilliseconds on {Info.Id} needs two events recorded on {Info.Id}");
        nint* events = stackalloc nint[] { s.Handle, e.Handle };
        if (events[0] == 0 || events[1] == 0)
            throw new ObjectDisposedException(nameof(DeviceEvent), "ElapsedMilliseconds was given a disposed event");
        OpenClErrors.Check(clWaitForEvents(2, events), "clWaitForEvents");
        // Markers are zero-length commands and some drivers leave their END at 0; fall back to COMPLETE, then START.
        foreach (uint param in (ReadOnlySpan<uint>)[CL_PROFILING_COMMAND_END, CL_PROFILING_COMMAND_COMPLETE, CL_PROFILING_COMMAND_START])
        {
            if (ProfilingTime(events[0], param) is { } t0 && ProfilingTime(events[1], param) is { } t1 && t0 != 0 && t1 != 0)
                return Math.Max(0, (long)(t1 - t0)) / 1e6;
        }
        throw new NativeCallException("OpenCL", "clGetEventProfilingInfo", OpenClErrors.CL_PROFILING_INFO_NOT_AVAILABLE,
            OpenClErrors.Name(OpenClErrors.CL_PROFILING_INFO_NOT_AVAILABLE), $"{Info} gives no timestamps for marker events");
    }

    protected internal override MemoryBlock AllocateBlock(long bytes)
    {
        ThrowIfDisposed();
        if (bytes > _maxAllocationBytes)
            throw new DeviceOutOfMemoryException(Info.Id, bytes, Memory.InUseBytes, Memory.CapBytes,
                $"one OpenCL buffer on this device may hold at most {Bytes.Format(_maxAllocationBytes)} (CL_DEVICE_MAX_MEM_ALLOC_SIZE)");
        int status;
        nint mem = clCreateBuffer(_context, CL_MEM_READ_WRITE, (nuint)bytes, null, &status);
        if (OpenClErrors.IsOutOfMemory(status))
            throw new DeviceOutOfMemoryException(Info.Id, bytes, Memory.InUseBytes, Memory.CapBytes,
                $"clCreateBuffer failed with {OpenClErrors.Name(status)} ({status})");
        OpenClErrors.Check(status, "clCreateBuffer", $"{bytes} bytes on {Info}");
        return new MemoryBlock(mem, bytes);
    }

    protected internal override void FreeBlock(MemoryBlock block) =>
        OpenClErrors.Check(clReleaseMemObject(block.Handle), "clReleaseMemObject");

    public override void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        // Release everything even if one step fails, then report the first failure.
        Exception? first = null;
        void Step(Action action)
        {
            try { action(); }
            catch (Exception e) { first ??= e; }
        }
        if (_queue != 0)
            Step(() => OpenClErrors.Check(clFinish(_queue), "clFinish"));
        Step(base.Dispose); // kernels, programs, then cached buffers (pool Trim)
        if (_queue != 0)
            Step(() => OpenClErrors.Check(clReleaseCommandQueue(_queue), "clReleaseCommandQueue"));
        if (_context != 0)
            Step(() => OpenClErrors.Check(clReleaseContext(_context), "clReleaseContext"));
        _queue = 0;
        _context = 0;
        if (first is not null)
            ExceptionDispatchInfo.Throw(first);
    }

    private static nint CreateQueue(OpenClDeviceEntry entry, nint context)
    {
        int status;
        nint queue;
        // clCreateCommandQueueWithProperties is 2.0+: a 1.2 platform's dispatch table has no entry for it.
        if (OpenClInfo.ParseVersion(entry.PlatformVersion).CompareTo((2, 0)) >= 0)
        {
            ulong* properties = stackalloc ulong[] { CL_QUEUE_PROPERTIES, CL_QUEUE_PROFILING_ENABLE, 0 };
            queue = clCreateCommandQueueWithProperties(context, entry.Device, properties, &status);
            OpenClErrors.Check(status, "clCreateCommandQueueWithProperties", entry.Info.ToString());
        }
        else
        {
            queue = clCreateCommandQueue(context, entry.Device, CL_QUEUE_PROFILING_ENABLE, &status);
            OpenClErrors.Check(status, "clCreateCommandQueue", entry.Info.ToString());
        }
        return queue;
    }

    private static ulong? ProfilingTime(nint evt, uint param)
    {
        ulong value;
        int status = clGetEventProfilingInfo(evt, param, sizeof(ulong), &value, null);
        // CL_INVALID_VALUE: COMPLETE is unknown before 2.0; NOT_AVAILABLE: this command has no such timestamp.
        if (status is OpenClErrors.CL_INVALID_VALUE or OpenClErrors.CL_PROFILING_INFO_NOT_AVAILABLE)
            return null;
        OpenClErrors.Check(status, "clGetEventProfilingInfo");
        return value;
    }

    private void Flush() => OpenClErrors.Check(clFlush(_queue), "clFlush");

    /// <summary>Many drivers allocate a buffer on its first use, so the first transfer can be where memory runs out.</summary>
    private void CheckTransfer(int status, string call, DeviceBuffer buffer)
    {
        if (status == OpenClErrors.CL_MEM_OBJECT_ALLOCATION_FAILURE)
            throw new DeviceOutOfMemoryException(Info.Id, buffer.Block.SizeBytes, Memory.InUseBytes, Memory.CapBytes,
                $"{call} failed with CL_MEM_OBJECT_ALLOCATION_FAILURE: the driver could not back the buffer with memory");
        OpenClErrors.Check(status, call, Info.ToString());
    }

    /// <summary>Element offsets and counts as the byte values OpenCL takes.</summary>
    private static nuint ToBytes(long elements) => (nuint)(elements * sizeof(float));

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
