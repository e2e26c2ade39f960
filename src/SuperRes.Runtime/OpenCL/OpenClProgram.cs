using System.Text;
using static SuperRes.Runtime.OpenCL.OpenClNative;

namespace SuperRes.Runtime.OpenCL;

/// <summary>A built cl_program; its kernels are created on first use and released with it.</summary>
internal sealed unsafe class OpenClProgram(OpenClDevice device, string file, KernelDefines defines, nint handle)
    : CompiledProgram(file, defines)
{
    private nint _handle = handle;

    public OpenClDevice Device { get; } = device;

    protected override Kernel CreateKernel(string entryPoint)
    {
        if (_handle == 0)
            throw new ObjectDisposedException(nameof(OpenClProgram), $"{SourcePath} on {Device.Info.Id} was disposed");
        var name = Encoding.UTF8.GetBytes(entryPoint + "\0");
        int status;
        nint kernel;
        fixed (byte* p = name)
            kernel = clCreateKernel(_handle, p, &status);
        OpenClErrors.Check(status, "clCreateKernel", $"kernel '{entryPoint}' in {SourcePath} [{Defines}] on {Device.Info.Id}");
        return new OpenClKernel(entryPoint, this, kernel);
    }

    public override void Dispose()
    {
        if (_handle == 0)
            return;
        base.Dispose(); // the kernels first: they hold the program
        OpenClErrors.ReleaseOnce(ref _handle, &clReleaseProgram, "clReleaseProgram");
    }
}

/// <summary>A cl_kernel. Arguments are set at each launch, which is safe because one thread drives a device.</summary>
internal sealed unsafe class OpenClKernel(string name, OpenClProgram program, nint handle) : Kernel(name, program)
{
    private nint _handle = handle;

    public nint Handle => _handle;

    public OpenClDevice Device => ((OpenClProgram)Program).Device;

    public override void Dispose()
    {
        OpenClErrors.ReleaseOnce(ref _handle, &clReleaseKernel, "clReleaseKernel");
        base.Dispose();
    }
}

/// <summary>A marker event in the device queue.</summary>
internal sealed unsafe class OpenClEvent(OpenClDevice device, nint handle) : DeviceEvent
{
    private nint _handle = handle;

    public OpenClDevice Device { get; } = device;

    public nint Handle => _handle;

    public override void Dispose()
    {
        OpenClErrors.ReleaseOnce(ref _handle, &clReleaseEvent, "clReleaseEvent");
        base.Dispose();
    }
}
