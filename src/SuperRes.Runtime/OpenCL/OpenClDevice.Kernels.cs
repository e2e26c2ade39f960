using System.Security.Cryptography;
using System.Text;
using static SuperRes.Runtime.OpenCL.OpenClNative;

namespace SuperRes.Runtime.OpenCL;

/// <summary>Program building (through the disk <see cref="KernelCache"/>) and kernel launches.</summary>
public sealed unsafe partial class OpenClDevice
{
    private static ReadOnlySpan<byte> CacheMagic => "SRCLBIN1"u8;

    /// <summary>Whether the most recent program build was loaded from the disk cache.</summary>
    internal bool LastBuildFromCache { get; private set; }

    /// <summary>Program builds served from the disk cache since the device opened.</summary>
    internal int CacheHits { get; private set; }

    protected override CompiledProgram BuildProgram(string file, KernelDefines defines) =>
        BuildFromSource(file, defines, KernelLibrary.Compose(BackendKind.OpenCL, file));

    /// <summary>Builds <paramref name="source"/> as if it were kernels/<paramref name="file"/>: cache lookup, else compile and store.</summary>
    internal CompiledProgram BuildFromSource(string file, KernelDefines defines, string source)
    {
        ThrowIfDisposed();
        string options = string.Join(' ', defines.ToOptions().Prepend(ExtraBuildOptions).Prepend(LanguageOption).Where(o => o.Length > 0));
        string key = KernelCache.Key("opencl", _entry.PlatformName, _entry.DeviceName, Info.DriverVersion, Info.ApiVersion, options, source);

        if (KernelCache.TryLoad(key) is { } stored)
        {
            nint cached = Unwrap(stored) is { } binary ? TryBuildFromBinary(binary, options) : 0;
            if (cached != 0)
            {
                LastBuildFromCache = true;
                CacheHits++;
                return new OpenClProgram(this, file, defines, cached);
            }
            KernelCache.Evict(key); // stale or corrupt (e.g. written by another driver build): rebuild below
        }

        nint program = CompileSource(file, defines, source, options);
        LastBuildFromCache = false;
        try
        {
            if (ProgramBinary(program) is { Length: > 0 } built)
                KernelCache.Store(key, Wrap(built));
        }
        catch
        {
            OpenClErrors.Check(clReleaseProgram(program), "clReleaseProgram");
            throw;
        }
        return new OpenClProgram(this, file, defines, program);
    }

    protected override void LaunchCore(Kernel kernel, LaunchGrid grid, ReadOnlySpan<KernelArg> args) => Enqueue(kernel, grid, args, null);

    /// <summary>Profiled launch: the kernel's own event gives its device start and end (the queue has profiling on).</summary>
    protected override Profiling.LaunchTiming LaunchTimed(Kernel kernel, LaunchGrid grid, ReadOnlySpan<KernelArg> args)
    {
        nint evt = 0;
        Enqueue(kernel, grid, args, &evt);
        return new Profiling.OpenClLaunchTiming(evt);
    }

    private void Enqueue(Kernel kernel, LaunchGrid grid, ReadOnlySpan<KernelArg> args, nint* evt)
    {
        ThrowIfDisposed();
        if (kernel is not OpenClKernel k || k.Device != this)
            throw new ArgumentException($"kernel {kernel.Name} was not built on {Info.Id}");
        if (k.Handle == 0)
            throw new ObjectDisposedException(nameof(Kernel), $"kernel {kernel.Name} on {Info.Id} was disposed");
        if (grid.LocalX < 1 || grid.LocalY < 1 || grid.LocalZ < 1 || grid.GlobalX < 1 || grid.GlobalY < 1 || grid.GlobalZ < 1)
            throw new ArgumentOutOfRangeException(nameof(grid), $"launch of {kernel} needs positive sizes, got {grid}");

        for (int i = 0; i < args.Length; i++)
            SetArg(k, i, args[i]);

        // Use as few dimensions as the grid needs; global sizes must be multiples of the local sizes in OpenCL 1.2.
        uint dims = grid.GlobalZ == 1 && grid.LocalZ == 1 ? (grid.GlobalY == 1 && grid.LocalY == 1 ? 1u : 2u) : 3u;
        nuint* global = stackalloc nuint[]
        {
            (nuint)(grid.GroupsX * grid.LocalX), (nuint)(grid.GroupsY * grid.LocalY), (nuint)(grid.GroupsZ * grid.LocalZ),
        };
        nuint* local = stackalloc nuint[] { (nuint)grid.LocalX, (nuint)grid.LocalY, (nuint)grid.LocalZ };
        int status = clEnqueueNDRangeKernel(_queue, k.Handle, dims, null, global, local, 0, null, evt);
        OpenClErrors.Check(status, "clEnqueueNDRangeKernel", $"{kernel} with {grid} on {Info.Id}");
    }

    private static void SetArg(OpenClKernel kernel, int index, KernelArg arg)
    {
        int status;
        switch (arg.Kind)
        {
            case KernelArgKind.Buffer:
                nint mem = arg.Buffer!.Handle;
                status = clSetKernelArg(kernel.Handle, (uint)index, (nuint)sizeof(nint), &mem);
                break;
            case KernelArgKind.Int32:
                int i = arg.Int;
                status = clSetKernelArg(kernel.Handle, (uint)index, sizeof(int), &i);
                break;
            default:
                float f = arg.Float;
                status = clSetKernelArg(kernel.Handle, (uint)index, sizeof(float), &f);
                break;
        }
        OpenClErrors.Check(status, "clSetKernelArg", $"argument {index} ({arg.Kind} {arg}) of {kernel}");
    }

    /// <summary>
    /// Cache files are <c>magic + SHA-256 + driver binary</c>. Drivers do not all survive a damaged binary
    /// (PoCL built with assertions aborts the process), so only intact files ever reach the driver.
    /// </summary>
    private static byte[] Wrap(byte[] binary) => [.. CacheMagic, .. SHA256.HashData(binary), .. binary];

    private static byte[]? Unwrap(byte[] stored)
    {
        int header = CacheMagic.Length + SHA256.HashSizeInBytes;
        if (stored.Length <= header || !stored.AsSpan(0, CacheMagic.Length).SequenceEqual(CacheMagic))
            return null;
        var binary = stored[header..];
        return SHA256.HashData(binary).AsSpan().SequenceEqual(stored.AsSpan(CacheMagic.Length, SHA256.HashSizeInBytes)) ? binary : null;
    }

    /// <summary>Loads a cached binary; 0 when the driver refuses it, so the caller compiles from source instead.</summary>
    private nint TryBuildFromBinary(byte[] binary, string options)
    {
        nint device = _entry.Device;
        nuint length = (nuint)binary.Length;
        int binaryStatus, status;
        nint program;
        fixed (byte* p = binary)
        {
            byte* pointer = p;
            program = clCreateProgramWithBinary(_context, 1, &device, &length, &pointer, &binaryStatus, &status);
        }
        if (status != OpenClErrors.CL_SUCCESS || binaryStatus != OpenClErrors.CL_SUCCESS)
        {
            if (program != 0)
                OpenClErrors.Check(clReleaseProgram(program), "clReleaseProgram");
            return 0;
        }
        if (Build(program, options) == OpenClErrors.CL_SUCCESS)
            return program;
        OpenClErrors.Check(clReleaseProgram(program), "clReleaseProgram");
        return 0;
    }

    private nint CompileSource(string file, KernelDefines defines, string source, string options)
    {
        var bytes = Encoding.UTF8.GetBytes(source);
        nuint length = (nuint)bytes.Length;
        int status;
        nint program;
        fixed (byte* p = bytes)
        {
            byte* pointer = p;
            program = clCreateProgramWithSource(_context, 1, &pointer, &length, &status);
        }
        OpenClErrors.Check(status, "clCreateProgramWithSource", KernelLibrary.SourcePath(file));

        status = Build(program, options);
        if (status == OpenClErrors.CL_SUCCESS)
            return program;
        try
        {
            if (status is OpenClErrors.CL_BUILD_PROGRAM_FAILURE or OpenClErrors.CL_INVALID_BUILD_OPTIONS)
                throw new KernelBuildException(
                    $"cannot compile {KernelLibrary.SourcePath(file)} with defines [{defines}] for {Info}: clBuildProgram failed with "
                    + $"{OpenClErrors.Name(status)} ({status}); options: {options}\n{BuildLog(program)}");
            throw OpenClErrors.Failure(status, "clBuildProgram", $"{KernelLibrary.SourcePath(file)} [{defines}] on {Info}");
        }
        finally
        {
            OpenClErrors.Check(clReleaseProgram(program), "clReleaseProgram");
        }
    }

    private int Build(nint program, string options)
    {
        var bytes = Encoding.UTF8.GetBytes(options + "\0");
        nint device = _entry.Device;
        fixed (byte* p = bytes)
            return clBuildProgram(program, 1, &device, p, 0, 0);
    }

    private string BuildLog(nint program)
    {
        nint device = _entry.Device;
        string log = OpenClInfo.Decode(OpenClInfo.Bytes(
            (size, value, returned) => clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, size, value, returned), "clGetProgramBuildInfo"));
        return log.Length == 0 ? "(the driver gave no build log)" : log;
    }

    /// <summary>The device binary of a program built for this one device (null if the driver gives none).</summary>
    private static byte[]? ProgramBinary(nint program)
    {
        nuint size;
        OpenClErrors.Check(clGetProgramInfo(program, CL_PROGRAM_BINARY_SIZES, (nuint)sizeof(nuint), &size, null), "clGetProgramInfo");
        if (size == 0)
            return null;
        var binary = new byte[(int)size];
        fixed (byte* p = binary)
        {
            byte* pointer = p; // CL_PROGRAM_BINARIES takes an array of per-device destination pointers
            OpenClErrors.Check(clGetProgramInfo(program, CL_PROGRAM_BINARIES, (nuint)sizeof(nint), &pointer, null), "clGetProgramInfo");
        }
        return binary;
    }
}
