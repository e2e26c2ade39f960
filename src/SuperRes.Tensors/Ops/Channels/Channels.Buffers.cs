namespace SuperRes.Tensors.Primitives;

/// <summary>Channels [<paramref name="First"/>, First + count) of an NCHW buffer with <paramref name="Channels"/> channels per sample.</summary>
public readonly record struct ChannelSlice(DeviceBuffer Buffer, int Channels, int First);

/// <summary>
/// A copy or add of <c>Count</c> channels of each of <c>Batch</c> samples between two channel slices, as flat
/// offsets: sample b's block of <see cref="Block"/> elements starts at b·stride + offset on each side.
/// </summary>
public readonly record struct ChannelTransfer(ChannelSlice Source, ChannelSlice Destination, int Count, int Batch, int Plane)
{
    public long Block => (long)Count * Plane;

    public long SourceStride => (long)Source.Channels * Plane;

    public long SourceOffset => (long)Source.First * Plane;

    public long DestinationStride => (long)Destination.Channels * Plane;

    public long DestinationOffset => (long)Destination.First * Plane;

    public long Length => Batch * Block;
}

/// <summary>
/// Channel-range copies and per-channel affine maps over NCHW buffers (kernels/channels.cl on CUDA and OpenCL,
/// C# on Cpu). <c>plane</c> is H·W, the elements of one channel of one sample.
/// </summary>
public static class Channels
{
    /// <summary>The buffer-level operations one backend provides; arguments are checked before they are called.</summary>
    public interface IBackend
    {
        void Copy(ChannelTransfer t);

        void Add(ChannelTransfer t);

        void Affine(DeviceBuffer x, DeviceBuffer scale, DeviceBuffer shift, int channels, int plane, DeviceBuffer y, long n);

        void Scale(DeviceBuffer x, DeviceBuffer scale, int channels, int plane, DeviceBuffer y, long n);
    }

    public static BackendTable<IBackend> Backends { get; } = new BackendTable<IBackend>("channels")
        .With(new ChannelsCpu(), BackendKind.Cpu)
        .WithKernels(new ChannelsKernels());

    /// <summary>Copies <paramref name="count"/> channels of every sample from <paramref name="src"/> to <paramref name="dst"/>.</summary>
    public static void Copy(ChannelSlice src, ChannelSlice dst, int count, int batch, int plane)
    {
        using var op = OpTimer.Start((count, batch, plane), static s => new OpCost("copy_channels", OpLabel.Channels(s.batch, s.count, s.plane), 0, OpCost.F32(2L * s.batch * s.count * s.plane)));
        var t = Checked("copy_channels", new ChannelTransfer(src, dst, count, batch, plane));
        Backends.For(src.Buffer.Device).Copy(t);
    }

    /// <summary>Adds <paramref name="count"/> channels of every sample of <paramref name="src"/> into <paramref name="dst"/>.</summary>
    public static void Add(ChannelSlice src, ChannelSlice dst, int count, int batch, int plane)
    {
        using var op = OpTimer.Start((count, batch, plane), static s => new OpCost("add_channels", OpLabel.Channels(s.batch, s.count, s.plane), (double)s.batch * s.count * s.plane, OpCost.F32(3L * s.batch * s.count * s.plane)));
        var t = Checked("add_channels", new ChannelTransfer(src, dst, count, batch, plane));
        Backends.For(src.Buffer.Device).Add(t);
    }

    /// <summary>y = scale[c]·x + shift[c]</summary>
    public static void Affine(DeviceBuffer x, DeviceBuffer scale, DeviceBuffer shift, int channels, int plane, DeviceBuffer y, long n)
    {
        using var op = OpTimer.Start((n, channels), static s => new OpCost("channel_affine", $"{OpLabel.Elements(s.n)} C={s.channels}", 2.0 * s.n, OpCost.F32(2 * s.n + 2L * s.channels)));
        CheckPerChannel("channel_affine", x, channels, plane, n, scale, shift);
        Backends.For(Launch.SameDevice("channel_affine", n, x, y)).Affine(x, scale, shift, channels, plane, y, n);
    }

    /// <summary>y = scale[c]·x</summary>
    public static void Scale(DeviceBuffer x, DeviceBuffer scale, int channels, int plane, DeviceBuffer y, long n)
    {
        using var op = OpTimer.Start((n, channels), static s => new OpCost("channel_scale", $"{OpLabel.Elements(s.n)} C={s.channels}", s.n, OpCost.F32(2 * s.n + s.channels)));
        CheckPerChannel("channel_scale", x, channels, plane, n, scale);
        Backends.For(Launch.SameDevice("channel_scale", n, x, y)).Scale(x, scale, channels, plane, y, n);
    }

    private static ChannelTransfer Checked(string op, ChannelTransfer t)
    {
        CheckSlice(op, t.Source, t.Count, t.Batch, t.Plane);
        CheckSlice(op, t.Destination, t.Count, t.Batch, t.Plane);
        Launch.SameDevice(op, t.Length, t.Source.Buffer, t.Destination.Buffer);
        return t;
    }

    private static void CheckSlice(string op, ChannelSlice slice, int count, int batch, int plane)
    {
        if (count < 1 || slice.First < 0 || slice.First + count > slice.Channels)
            throw new ArgumentException($"{op}: channels [{slice.First}, {slice.First + count}) are outside 0..{slice.Channels}");
        if (slice.Buffer.Length < (long)batch * slice.Channels * plane)
            throw new ArgumentException($"{op}: {batch}×{slice.Channels} channels of {plane} need {(long)batch * slice.Channels * plane} elements but the buffer holds {slice.Buffer.Length}");
    }

    private static void CheckPerChannel(string op, DeviceBuffer x, int channels, int plane, long n, params ReadOnlySpan<DeviceBuffer> perChannel)
    {
        if (channels < 1 || plane < 1 || n % ((long)channels * plane) != 0)
            throw new ArgumentException($"{op}: {n} elements do not split into planes of {plane} for {channels} channels");
        foreach (var b in perChannel)
        {
            if (b.Device != x.Device)
                throw new ArgumentException($"{op}: per-channel values on {b.Device.Info.Id} but input on {x.Device.Info.Id}; move them to one device first");
            if (b.Length < channels)
                throw new ArgumentException($"{op}: {channels} channels but a per-channel buffer holds {b.Length}");
        }
    }
}
