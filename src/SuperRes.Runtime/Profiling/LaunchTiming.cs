namespace SuperRes.Runtime.Profiling;

/// <summary>
/// The device timestamps of one profiled kernel launch, read once the launch has finished. OpenCL: the
/// kernel's own event (CL_PROFILING_COMMAND_START/END); CUDA: a pair of events recorded around the launch.
/// </summary>
public abstract class LaunchTiming : IDisposable
{
    /// <summary>
    /// Start and end of the launch in milliseconds on the device's clock (any fixed epoch). <paramref name="origin"/>
    /// is an event recorded on the same queue before the launch, for backends whose events only give intervals.
    /// Waits for the launch to finish.
    /// </summary>
    public abstract (double StartMs, double EndMs) Resolve(DeviceEvent? origin);

    public virtual void Dispose() => GC.SuppressFinalize(this);
}

/// <summary>Timing from two queue events recorded just before and just after the launch (CUDA, and the default).</summary>
internal sealed class EventPairTiming(Device device, DeviceEvent start, DeviceEvent end) : LaunchTiming
{
    public override (double StartMs, double EndMs) Resolve(DeviceEvent? origin)
    {
        double duration = device.ElapsedMilliseconds(start, end);
        double offset = origin is null ? 0 : device.ElapsedMilliseconds(origin, start);
        return (offset, offset + duration);
    }

    public override void Dispose()
    {
        start.Dispose();
        end.Dispose();
        base.Dispose();
    }
}
