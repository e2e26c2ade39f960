namespace SuperRes.Tensors.Primitives;

/// <summary>Channels [<paramref name="First"/>, First + count) of an NCHW buffer with <paramref name="Channels"/> channels per sample.</summary>
public readonly record struct ChannelSlice(DeviceBuffer Buffer, int Channels, int First);

/// <summary>
/// Channel-range copies and per-channel affine maps over NCHW buffers (kernels/channels.cl; C# reference on Cpu).
/// <c>plane</c> is H·W, the elements of one channel of one sample.
/// </summary>
public static class Channels
{
    private const string File = "channels.cl";

    /// <summary>Copies <paramref name="count"/> channels of every sample from <paramref name="src"/> to <paramref name="dst"/>.</summary>
    public static void Copy(ChannelSlice src, ChannelSlice dst, int count, int batch, int plane) =>
        Transfer("copy_channels", src, dst, count, batch, plane, static (s, d) => s.CopyTo(d));

    /// <summary>Adds <paramref name="count"/> channels of every sample of <paramref name="src"/> into <paramref name="dst"/>.</summary>
    public static void Add(ChannelSlice src, ChannelSlice dst, int count, int batch, int plane) =>
        Transfer("add_channels", src, dst, count, batch, plane, static (s, d) =>
        {
            for (int i = 0; i < s.Length; i++)
                d[i] += s[i];
        });

    /// <summary>y = scale[c]·x + shift[c]</summary>
    public static void Affine(DeviceBuffer x, DeviceBuffer scale, DeviceBuffer shift, int channels, int plane, DeviceBuffer y, long n)
    {
        using var op = OpTimer.Start((n, channels), static s => new OpCost("channel_affine", $"{OpLabel.Elements(s.n)} C={s.channels}", 2.0 * s.n, OpCost.F32(2 * s.n + 2L * s.channels)));
        CheckPerChannel("channel_affine", x, channels, plane, n, scale, shift);
        if (Launch.SameDevice("channel_affine", n, x, y) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "channel_affine"), LaunchGrid.Linear(n), n, channels, plane, x, scale, shift, y);
            return;
        }
        var xs = Launch.Span(x, n);
        var scales = Launch.Span(scale, channels);
        var shifts = Launch.Span(shift, channels);
        var ys = Launch.Span(y, n);
        for (int i = 0; i < xs.Length; i++)
        {
            int c = i / plane % channels;
            ys[i] = scales[c] * xs[i] + shifts[c];
        }
    }

    /// <summary>y = scale[c]·x</summary>
    public static void Scale(DeviceBuffer x, DeviceBuffer scale, int channels, int plane, DeviceBuffer y, long n)
    {
        using var op = OpTimer.Start((n, channels), static s => new OpCost("channel_scale", $"{OpLabel.Elements(s.n)} C={s.channels}", s.n, OpCost.F32(2 * s.n + s.channels)));
        CheckPerChannel("channel_scale", x, channels, plane, n, scale);
        if (Launch.SameDevice("channel_scale", n, x, y) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "channel_scale"), LaunchGrid.Linear(n), n, channels, plane, x, scale, y);
            return;
        }
        var xs = Launch.Span(x, n);
        var scales = Launch.Span(scale, channels);
        var ys = Launch.Span(y, n);
        for (int i = 0; i < xs.Length; i++)
            ys[i] = scales[i / plane % channels] * xs[i];
    }

    private delegate void BlockAction(ReadOnlySpan<float> src, Span<float> dst);

    private static void Transfer(string op, ChannelSlice src, ChannelSlice dst, int count, int batch, int plane, BlockAction cpuBlock)
    {
        using var scope = OpTimer.Start((op, count, batch, plane), static s => new OpCost(s.op, OpLabel.Channels(s.batch, s.count, s.plane), s.op == "add_channels" ? (double)s.batch * s.count * s.plane : 0, OpCost.F32((s.op == "add_channels" ? 3L : 2L) * s.batch * s.count * s.plane)));
        CheckSlice(op, src, count, batch, plane);
        CheckSlice(op, dst, count, batch, plane);
        long block = (long)count * plane;
        long srcStride = (long)src.Channels * plane, dstStride = (long)dst.Channels * plane;
        long n = batch * block;
        if (Launch.SameDevice(op, n, src.Buffer, dst.Buffer) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, op), LaunchGrid.Linear(n), n, block, srcStride, (long)src.First * plane, dstStride, (long)dst.First * plane, src.Buffer, dst.Buffer);
            return;
        }
        var s = Launch.Span(src.Buffer, batch * srcStride);
        var d = Launch.Span(dst.Buffer, batch * dstStride);
        for (int b = 0; b < batch; b++)
            cpuBlock(s.Slice(checked((int)(b * srcStride + (long)src.First * plane)), (int)block),
                     d.Slice(checked((int)(b * dstStride + (long)dst.First * plane)), (int)block));
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
