using SuperRes.Runtime.Tuning;

namespace SuperRes.Runtime;

/// <summary>
/// A device that runs the kernels of <c>kernels/</c> (Cuda and OpenCL). Programs are built once per
/// (file, defines, build options) and kept for the life of the device; the backend's build goes through <see cref="KernelCache"/>.
/// </summary>
public abstract unsafe class KernelDevice : Device
{
    private readonly Dictionary<(string File, KernelDefines Defines, string Options), CompiledProgram> _programs = new();
    private TuningDatabase? _tuning;
    private string? _extraBuildOptions;

    protected KernelDevice(DeviceInfo info, long memoryCapBytes) : base(info, memoryCapBytes) { }

    /// <summary>Largest work-group (thread block) size the device accepts.</summary>
    public abstract int MaxWorkGroupSize { get; }

    /// <summary>Bytes of local (shared) memory one work-group may use.</summary>
    public abstract long LocalMemoryBytes { get; }

    /// <summary>Called after every launch when set: (kernel, grid). The profiler hooks in here.</summary>
    public Action<Kernel, LaunchGrid>? LaunchObserver { get; set; }

    /// <summary>When set (by constructing a <see cref="Profiling.Profiler"/>), every launch is timed on the device and handed to it.</summary>
    public Profiling.Profiler? Profiler { get; internal set; }

    public sealed override void Write(DeviceBuffer destination, ReadOnlySpan<float> source, long destinationOffset = 0)
    {
        CheckRange(destination, destinationOffset, source.Length, "Write");
        if (source.IsEmpty)
            return; // OpenCL rejects zero-size transfers with CL_INVALID_VALUE
        destination.MarkWritten();
        fixed (float* s = source)
            CopyToDevice(destination, destinationOffset, s, source.Length, blocking: true);
    }

    public sealed override void Read(DeviceBuffer source, Span<float> destination, long sourceOffset = 0)
    {
        CheckRange(source, sourceOffset, destination.Length, "Read");
        if (destination.IsEmpty)
            return;
        fixed (float* d = destination)
            CopyToHost(source, sourceOffset, d, destination.Length, blocking: true);
    }

    public sealed override void WriteAsync(HostBuffer source, long sourceOffset, DeviceBuffer destination, long destinationOffset, long count)
    {
        CheckHostRange(source, sourceOffset, count, "WriteAsync");
        CheckRange(destination, destinationOffset, count, "WriteAsync");
        destination.MarkWritten();
        if (count > 0)
            CopyToDevice(destination, destinationOffset, (float*)source.Pointer + sourceOffset, count, blocking: false);
    }

    public sealed override void ReadAsync(DeviceBuffer source, long sourceOffset, HostBuffer destination, long destinationOffset, long count)
    {
        CheckRange(source, sourceOffset, count, "ReadAsync");
        CheckHostRange(destination, destinationOffset, count, "ReadAsync");
        if (count > 0)
            CopyToHost(source, sourceOffset, (float*)destination.Pointer + destinationOffset, count, blocking: false);
    }

    public sealed override void Copy(DeviceBuffer source, long sourceOffset, DeviceBuffer destination, long destinationOffset, long count)
    {
        CheckRange(source, sourceOffset, count, "Copy source");
        CheckRange(destination, destinationOffset, count, "Copy destination");
        destination.MarkWritten();
        if (count > 0)
            CopyOnDevice(source, sourceOffset, destination, destinationOffset, count);
    }

    /// <summary>This device's tuning database (<c>superres tune</c>), read on first use; empty when none was written.</summary>
    public TuningDatabase Tuning => _tuning ??= TuningDatabase.Load(this);

    /// <summary>The device class whose shipped kernel parameters apply when the database has no entry.</summary>
    public DeviceClass Class => DeviceClasses.Of(Info);

    /// <summary>
    /// Compiler options added to every build after the backend's own (OpenCL: after <c>-cl-std</c>): the tuning
    /// database's choice unless set here. Part of the program cache key, in memory and on disk.
    /// </summary>
    public string ExtraBuildOptions
    {
        get => _extraBuildOptions ?? Tuning.BuildOptions;
        set => _extraBuildOptions = value;
    }

    public Kernel GetKernel(string file, string entryPoint, KernelDefines? defines = null) =>
        GetProgram(file, defines ?? KernelDefines.None).GetKernel(entryPoint);

    public CompiledProgram GetProgram(string file, KernelDefines defines)
    {
        var key = (file, defines, ExtraBuildOptions);
        if (!_programs.TryGetValue(key, out var program))
        {
            program = BuildProgram(file, defines);
            _programs[key] = program;
        }
        return program;
    }

    public void Launch(Kernel kernel, LaunchGrid grid, params ReadOnlySpan<KernelArg> args)
    {
        if (grid.LocalX * grid.LocalY * grid.LocalZ > MaxWorkGroupSize)
            throw new ArgumentException($"work-group {grid.LocalX}x{grid.LocalY}x{grid.LocalZ} for {kernel.Name} is larger than {Info.Id} allows ({MaxWorkGroupSize})");
        foreach (var arg in args)
            if (arg.Kind == KernelArgKind.Buffer && arg.Buffer!.Device != this)
                throw new ArgumentException($"kernel {kernel.Name} on {Info.Id} was given a buffer of {arg.Buffer.Device.Info.Id}");
        foreach (var arg in args)
            arg.Buffer?.MarkWritten();
        if (Profiler is { } profiler)
            profiler.RecordLaunch(kernel, grid, LaunchTimed(kernel, grid, args));
        else
            LaunchCore(kernel, grid, args);
        LaunchObserver?.Invoke(kernel, grid);
    }

    /// <summary>
    /// Enqueues a launch with device timestamps around it, for the profiler: by default two queue events
    /// (CUDA); OpenCL overrides it with the kernel's own profiling event.
    /// </summary>
    protected virtual Profiling.LaunchTiming LaunchTimed(Kernel kernel, LaunchGrid grid, ReadOnlySpan<KernelArg> args)
    {
        var start = RecordEvent();
        try
        {
            LaunchCore(kernel, grid, args);
        }
        catch
        {
            start.Dispose();
            throw;
        }
        return new Profiling.EventPairTiming(this, start, RecordEvent());
    }

    /// <summary>
    /// Copies <paramref name="count"/> (> 0, in range) floats from host memory into the buffer. Blocking: after
    /// all queued work, returning once the host memory is consumed (it may be pageable). Otherwise only enqueued:
    /// the memory is pinned and must stay untouched until <see cref="Device.Synchronize"/>.
    /// </summary>
    protected abstract void CopyToDevice(DeviceBuffer destination, long destinationOffset, float* source, long count, bool blocking);

    /// <summary>Copies floats from the buffer to host memory; blocking as in <see cref="CopyToDevice"/>.</summary>
    protected abstract void CopyToHost(DeviceBuffer source, long sourceOffset, float* destination, long count, bool blocking);

    /// <summary>Enqueues a device→device copy (count > 0, both ranges checked).</summary>
    protected abstract void CopyOnDevice(DeviceBuffer source, long sourceOffset, DeviceBuffer destination, long destinationOffset, long count);

    private static void CheckHostRange(HostBuffer buffer, long offset, long count, string what)
    {
        if (offset < 0 || count < 0 || offset + count > buffer.Length)
            throw new ArgumentOutOfRangeException(what, $"{what}: elements [{offset}, {offset + count}) are outside a host buffer of {buffer.Length}");
    }

    /// <summary>Compiles (or loads from the disk cache) one kernel file with one set of defines.</summary>
    protected abstract CompiledProgram BuildProgram(string file, KernelDefines defines);

    protected abstract void LaunchCore(Kernel kernel, LaunchGrid grid, ReadOnlySpan<KernelArg> args);

    public override void Dispose()
    {
        foreach (var program in _programs.Values)
            program.Dispose();
        _programs.Clear();
        base.Dispose();
    }
}

/// <summary>One kernel file built for one device with one set of defines.</summary>
public abstract class CompiledProgram(string file, KernelDefines defines) : IDisposable
{
    private readonly Dictionary<string, Kernel> _kernels = new(StringComparer.Ordinal);

    public string File { get; } = file;
    public KernelDefines Defines { get; } = defines;

    /// <summary>What messages cite for the file, e.g. <c>kernels/conv2d.cl</c>.</summary>
    public string SourcePath => KernelLibrary.SourcePath(File);

    public Kernel GetKernel(string entryPoint)
    {
        if (!_kernels.TryGetValue(entryPoint, out var kernel))
        {
            kernel = CreateKernel(entryPoint);
            _kernels[entryPoint] = kernel;
        }
        return kernel;
    }

    protected abstract Kernel CreateKernel(string entryPoint);

    public virtual void Dispose()
    {
        foreach (var k in _kernels.Values)
            k.Dispose();
        _kernels.Clear();
        GC.SuppressFinalize(this);
    }
}

/// <summary>An entry point of a compiled program, ready to launch.</summary>
public abstract class Kernel(string name, CompiledProgram program) : IDisposable
{
    public string Name { get; } = name;
    public CompiledProgram Program { get; } = program;

    public virtual void Dispose() => GC.SuppressFinalize(this);

    public override string ToString() => Program.Defines.Values.Count == 0 ? Name : $"{Name} [{Program.Defines}]";
}
