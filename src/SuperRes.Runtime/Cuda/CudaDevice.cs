namespace SuperRes.Runtime.Cuda;

/// <summary>
/// One CUDA GPU: its primary context (shared with any other CUDA user in the process, as the runtime API
/// does) and one stream that all queued work goes to. Every driver call first makes the context current on
/// the calling thread, so the device stays correct even if the driving thread changes.
/// <para>
/// The stream is created with default flags, i.e. it synchronizes with the legacy default stream: the
/// synchronous copies (<see cref="Write"/>, <see cref="Read"/>) therefore run after all work queued before them.
/// </para>
/// </summary>
public sealed unsafe class CudaDevice : KernelDevice
{
    private readonly int _device;
    private readonly nint _context;
    private readonly nint _stream;
    private bool _disposed;

    internal CudaDevice(DeviceInfo info, long memoryCapBytes) : base(info, memoryCapBytes)
    {
        CudaDriver.EnsureInitialized();
        _device = CudaProvider.GetDevice(info.Index);
        nint context;
        CudaErrors.Check(CudaApi.cuDevicePrimaryCtxRetain(&context, _device), "cuDevicePrimaryCtxRetain", info.Id);
        _context = context;
        try
        {
            MakeCurrent();
            nint stream;
            CudaErrors.Check(CudaApi.cuStreamCreate(&stream, 0), "cuStreamCreate", info.Id);
            _stream = stream;
            Arch = CudaProvider.Arch(_device);
            MaxWorkGroupSize = CudaProvider.Attribute(_device, CudaApi.AttributeMaxThreadsPerBlock);
            LocalMemoryBytes = CudaProvider.Attribute(_device, CudaApi.AttributeMaxSharedMemoryPerBlock);
            DriverVersion = CudaDriver.Version;
        }
        catch
        {
            // Undo what was set up; these statuses are not checked because the first error is the one to report.
            if (_stream != 0)
                CudaApi.cuStreamDestroy_v2(_stream);
            CudaApi.cuDevicePrimaryCtxRelease_v2(_device);
            throw;
        }
    }

    /// <summary>The compute capability as an NVRTC architecture, e.g. <c>sm_90</c>.</summary>
    public string Arch { get; }

    /// <summary>cuDriverGetVersion, e.g. 12040.</summary>
    public int DriverVersion { get; }

    public override int MaxWorkGroupSize { get; }

    public override long LocalMemoryBytes { get; }

    public override long FreeMemoryBytes
    {
        get
        {
            MakeCurrent();
            nuint free, total;
            CudaErrors.Check(CudaApi.cuMemGetInfo_v2(&free, &total), "cuMemGetInfo_v2", Info.Id);
            return (long)free;
        }
    }

    internal nint Stream => _stream;

    protected override void CopyToDevice(DeviceBuffer destination, long destinationOffset, float* source, long count, bool blocking)
    {
        MakeCurrent();
        // Blocking: a synchronous copy from pageable memory, which returns once the source has been consumed.
        CudaErrors.Check(
            blocking
                ? CudaApi.cuMemcpyHtoD_v2(Address(destination, destinationOffset), source, Size(count))
                : CudaApi.cuMemcpyHtoDAsync_v2(Address(destination, destinationOffset), source, Size(count), _stream),
            blocking ? "cuMemcpyHtoD_v2" : "cuMemcpyHtoDAsync_v2", Info.Id);
    }

    protected override void CopyToHost(DeviceBuffer source, long sourceOffset, float* destination, long count, bool blocking)
    {
        // Synchronizing first makes an error of earlier queued work surface here, named as the stream's.
        if (blocking)
            Synchronize();
        else
            MakeCurrent();
        CudaErrors.Check(
            blocking
                ? CudaApi.cuMemcpyDtoH_v2(destination, Address(source, sourceOffset), Size(count))
                : CudaApi.cuMemcpyDtoHAsync_v2(destination, Address(source, sourceOffset), Size(count), _stream),
            blocking ? "cuMemcpyDtoH_v2" : "cuMemcpyDtoHAsync_v2", Info.Id);
    }

    protected override void CopyOnDevice(DeviceBuffer source, long sourceOffset, DeviceBuffer destination, long destinationOffset, long count)
    {
        MakeCurrent();
        CudaErrors.Check(
            CudaApi.cuMemcpyDtoDAsync_v2(Address(destination, destinationOffset), Address(source, sourceOffset), Size(count), _stream),
            "cuMemcpyDtoDAsync_v2", Info.Id);
    }

    public override void Synchronize()
    {
        MakeCurrent();
        CudaErrors.Check(CudaApi.cuStreamSynchronize(_stream), "cuStreamSynchronize", Info.Id);
    }

    public override DeviceEvent RecordEvent()
    {
        MakeCurrent();
        nint ev;
        CudaErrors.Check(CudaApi.cuEventCreate(&ev, 0), "cuEventCreate", Info.Id);
        var result = new CudaEvent(this, ev);
        try
        {
            CudaErrors.Check(CudaApi.cuEventRecord(ev, _stream), "cuEventRecord", Info.Id);
        }
        catch
        {
            result.Dispose();
            throw;
        }
        return result;
    }

    public override double ElapsedMilliseconds(DeviceEvent start, DeviceEvent end)
    {
        var s = OwnEvent(start, nameof(start));
        var e = OwnEvent(end, nameof(end));
        MakeCurrent();
        CudaErrors.Check(CudaApi.cuEventSynchronize(e.Handle), "cuEventSynchronize", Info.Id);
        float ms;
        CudaErrors.Check(CudaApi.cuEventElapsedTime(&ms, s.Handle, e.Handle), "cuEventElapsedTime", Info.Id);
        return ms;
    }

    protected internal override MemoryBlock AllocateBlock(long bytes)
    {
        MakeCurrent();
        ulong pointer;
        int status = CudaApi.cuMemAlloc_v2(&pointer, (nuint)bytes);
        if (status == CudaApi.ErrorOutOfMemory)
            throw new DeviceOutOfMemoryException(Info.Id, bytes, Memory.InUseBytes, Memory.CapBytes, "cuMemAlloc_v2: CUDA_ERROR_OUT_OF_MEMORY");
        CudaErrors.Check(status, "cuMemAlloc_v2", $"{Bytes.Format(bytes)} on {Info.Id}");
        return new MemoryBlock((nint)pointer, bytes);
    }

    protected internal override void FreeBlock(MemoryBlock block)
    {
        MakeCurrent();
        CudaErrors.Check(CudaApi.cuMemFree_v2((ulong)block.Handle), "cuMemFree_v2", Info.Id);
    }

    protected override CompiledProgram BuildProgram(string file, KernelDefines defines) =>
        CudaProgram.Build(this, file, defines);

    protected override void LaunchCore(Kernel kernel, LaunchGrid grid, ReadOnlySpan<KernelArg> args)
    {
        if (kernel is not CudaKernel k || k.Device != this)
            throw new ArgumentException($"kernel {kernel.Name} was not built on {Info.Id}");
        // cuLaunchKernel takes one pointer per parameter, each pointing at a copy of the value. Every value
        // here (CUdeviceptr, int, float) fits in 8 bytes, so one 8-byte slot per argument suffices.
        ulong* values = stackalloc ulong[Math.Max(1, args.Length)];
        void** pointers = stackalloc void*[Math.Max(1, args.Length)];
        for (int i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            values[i] = 0;
            switch (arg.Kind)
            {
                case KernelArgKind.Buffer:
                    values[i] = (ulong)arg.Buffer!.Handle;
                    break;
                case KernelArgKind.Int32:
                    *(int*)&values[i] = arg.Int;
                    break;
                case KernelArgKind.Float32:
                    *(float*)&values[i] = arg.Float;
                    break;
                default:
                    throw new ArgumentException($"argument {i} of {kernel.Name} has an unknown kind {arg.Kind}");
            }
            pointers[i] = &values[i];
        }
        MakeCurrent();
        int status = CudaApi.cuLaunchKernel(
            k.Function,
            Dimension(grid.GroupsX, "grid x", kernel), Dimension(grid.GroupsY, "grid y", kernel), Dimension(grid.GroupsZ, "grid z", kernel),
            Dimension(grid.LocalX, "block x", kernel), Dimension(grid.LocalY, "block y", kernel), Dimension(grid.LocalZ, "block z", kernel),
            0, _stream, pointers, null);
        CudaErrors.Check(status, "cuLaunchKernel", $"{kernel} on {Info.Id}, grid {grid.GroupsX}x{grid.GroupsY}x{grid.GroupsZ}, block {grid.LocalX}x{grid.LocalY}x{grid.LocalZ}");
    }

    /// <summary>Makes this device's context current on the calling thread (cheap: a thread-local store in the driver).</summary>
    internal void MakeCurrent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CudaErrors.Check(CudaApi.cuCtxSetCurrent(_context), "cuCtxSetCurrent", Info.Id);
    }

    internal bool IsDisposed => _disposed;

    public override void Dispose()
    {
        if (_disposed)
            return;
        try
        {
            // Programs and cached blocks go first, while the context is still alive.
            base.Dispose();
            MakeCurrent();
            CudaErrors.Check(CudaApi.cuStreamDestroy_v2(_stream), "cuStreamDestroy_v2", Info.Id);
        }
        finally
        {
            _disposed = true;
            CudaErrors.Check(CudaApi.cuDevicePrimaryCtxRelease_v2(_device), "cuDevicePrimaryCtxRelease_v2", Info.Id);
        }
    }

    private static ulong Address(DeviceBuffer buffer, long offset) => (ulong)buffer.Handle + (ulong)(offset * sizeof(float));

    private static nuint Size(long count) => (nuint)(count * sizeof(float));

    private static uint Dimension(long value, string what, Kernel kernel) =>
        value is > 0 and <= uint.MaxValue ? (uint)value : throw new ArgumentOutOfRangeException(nameof(value), value, $"{what} of {kernel} must be in 1..{uint.MaxValue}");

    private CudaEvent OwnEvent(DeviceEvent ev, string name) =>
        ev is CudaEvent c && c.Device == this ? c : throw new ArgumentException($"the {name} event was not recorded on {Info.Id}", name);
}

/// <summary>A CUevent recorded on a device's stream.</summary>
internal sealed unsafe class CudaEvent(CudaDevice device, nint handle) : DeviceEvent
{
    private nint _handle = handle;

    public CudaDevice Device { get; } = device;

    public nint Handle => _handle != 0 ? _handle : throw new ObjectDisposedException(nameof(CudaEvent));

    public override void Dispose()
    {
        var h = _handle;
        _handle = 0;
        // Once the device is gone its context (and so the event) may already be destroyed.
        if (h != 0 && !Device.IsDisposed)
        {
            Device.MakeCurrent();
            CudaErrors.Check(CudaApi.cuEventDestroy_v2(h), "cuEventDestroy_v2", Device.Info.Id);
        }
        base.Dispose();
    }
}
