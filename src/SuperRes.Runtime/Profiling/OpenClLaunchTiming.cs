using SuperRes.Runtime.OpenCL;
using static SuperRes.Runtime.OpenCL.OpenClNative;

namespace SuperRes.Runtime.Profiling;

/// <summary>An OpenCL kernel's own event: CL_PROFILING_COMMAND_START and _END, in device nanoseconds.</summary>
internal sealed unsafe class OpenClLaunchTiming(nint evt) : LaunchTiming
{
    private nint _event = evt;

    public override (double StartMs, double EndMs) Resolve(DeviceEvent? origin)
    {
        if (_event == 0)
            throw new ObjectDisposedException(nameof(OpenClLaunchTiming));
        nint e = _event;
        OpenClErrors.Check(clWaitForEvents(1, &e), "clWaitForEvents");
        ulong start, end;
        OpenClErrors.Check(clGetEventProfilingInfo(e, CL_PROFILING_COMMAND_START, sizeof(ulong), &start, null), "clGetEventProfilingInfo");
        OpenClErrors.Check(clGetEventProfilingInfo(e, CL_PROFILING_COMMAND_END, sizeof(ulong), &end, null), "clGetEventProfilingInfo");
        // The duration from the integer difference: epoch-sized nanosecond counts lose digits as doubles.
        double startMs = start / 1e6;
        return (startMs, startMs + (end > start ? end - start : 0) / 1e6);
    }

    public override void Dispose()
    {
        OpenClErrors.ReleaseOnce(ref _event, &clReleaseEvent, "clReleaseEvent");
        base.Dispose();
    }
}
