namespace SuperRes.Tensors.Backends;

/// <summary>Shared argument checks and Cpu buffer access for buffer-level ops (the engine's and extension ops).</summary>
public static class Launch
{
    /// <summary>All buffers of one op must live on one device and hold at least <paramref name="n"/> elements.</summary>
    public static Device SameDevice(string op, long n, params ReadOnlySpan<DeviceBuffer> buffers)
    {
        var device = buffers[0].Device;
        foreach (var b in buffers)
        {
            if (b.Device != device)
                throw new ArgumentException($"{op}: buffers on {device.Info.Id} and {b.Device.Info.Id}; move them to one device first");
            if (b.Length < n)
                throw new ArgumentException($"{op}: needs {n} elements but a buffer holds {b.Length}");
        }
        if (n > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(n), $"{op}: {n} elements is more than one kernel indexes (2^31 - 1)");
        return device;
    }

    /// <summary>The kernel-compiling device (CUDA, OpenCL) a buffer lives on: what a kernel column of a <see cref="BackendTable{TImpl}"/> launches on.</summary>
    public static KernelDevice Kernels(DeviceBuffer buffer) =>
        buffer.Device as KernelDevice ?? throw new NotSupportedException($"{buffer.Device.Info.Id} does not run kernels/; this implementation is registered for the wrong backend");

    /// <summary>
    /// Launches <paramref name="entryPoint"/> of kernels/<paramref name="file"/> with one work-item per element on the
    /// kernel device <paramref name="on"/> lives on, with the arguments (n, <paramref name="args"/>…).
    /// </summary>
    public static void PerElement(string file, string entryPoint, KernelDefines defines, DeviceBuffer on, long n, params ReadOnlySpan<KernelArg> args)
    {
        var k = Kernels(on);
        k.Launch(k.GetKernel(file, entryPoint, defines), LaunchGrid.Linear(n), [n, .. args]);
    }

    /// <summary>The host array behind a Cpu buffer (possibly longer than the buffer).</summary>
    public static float[] Array(DeviceBuffer buffer) => buffer.HostArray!;

    public static Span<float> Span(DeviceBuffer buffer, long n) => buffer.HostArray.AsSpan(0, checked((int)n));
}
