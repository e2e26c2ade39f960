using System.Numerics;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The C# reference: block copies and adds per sample, per-channel maps per plane, vectorised and shared between
/// cores in fixed chunks (<see cref="CpuChunks.ForSegments"/>).
/// </summary>
internal sealed class ChannelsCpu : Channels.IBackend
{
    private delegate void BlockAction(ReadOnlySpan<float> src, Span<float> dst);

    public void Copy(ChannelTransfer t) => Transfer(t, static (s, d) => s.CopyTo(d));

    public void Add(ChannelTransfer t) => Transfer(t, static (s, d) =>
    {
        int i = 0;
        for (; i <= s.Length - Vector<float>.Count; i += Vector<float>.Count)
            CpuChunks.Store(CpuChunks.Load(d, i) + CpuChunks.Load(s, i), d, i);
        for (; i < s.Length; i++)
            d[i] += s[i];
    });

    public void Affine(DeviceBuffer x, DeviceBuffer scale, DeviceBuffer shift, int channels, int plane, DeviceBuffer y, long n)
    {
        var xs = Launch.Array(x);
        var scales = Launch.Span(scale, channels).ToArray();
        var shifts = Launch.Span(shift, channels).ToArray();
        var ys = Launch.Array(y);
        _ = Launch.Span(x, n); // these throw when n overruns a buffer, before any work starts
        _ = Launch.Span(y, n);
        CpuChunks.ForSegments(n, plane, (p, start, end) =>
        {
            int c = p % channels, first = p * plane + start;
            ScaleShift(xs.AsSpan(first, end - start), scales[c], shifts[c], ys.AsSpan(first, end - start));
        });
    }

    public void Scale(DeviceBuffer x, DeviceBuffer scale, int channels, int plane, DeviceBuffer y, long n)
    {
        var xs = Launch.Array(x);
        var scales = Launch.Span(scale, channels).ToArray();
        var ys = Launch.Array(y);
        _ = Launch.Span(x, n); // these throw when n overruns a buffer, before any work starts
        _ = Launch.Span(y, n);
        CpuChunks.ForSegments(n, plane, (p, start, end) =>
        {
            int first = p * plane + start;
            Scaled(xs.AsSpan(first, end - start), scales[p % channels], ys.AsSpan(first, end - start));
        });
    }

    /// <summary>y = a·x + b.</summary>
    private static void ScaleShift(ReadOnlySpan<float> x, float a, float b, Span<float> y)
    {
        int i = 0;
        for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            CpuChunks.Store(a * CpuChunks.Load(x, i) + new Vector<float>(b), y, i);
        for (; i < x.Length; i++)
            y[i] = a * x[i] + b;
    }

    /// <summary>y = a·x.</summary>
    private static void Scaled(ReadOnlySpan<float> x, float a, Span<float> y)
    {
        int i = 0;
        for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            CpuChunks.Store(a * CpuChunks.Load(x, i), y, i);
        for (; i < x.Length; i++)
            y[i] = a * x[i];
    }

    private static void Transfer(ChannelTransfer t, BlockAction block)
    {
        var s = Launch.Array(t.Source.Buffer);
        var d = Launch.Array(t.Destination.Buffer);
        _ = Launch.Span(t.Source.Buffer, t.Batch * t.SourceStride); // these throw when a transfer overruns a buffer
        _ = Launch.Span(t.Destination.Buffer, t.Batch * t.DestinationStride);
        int length = checked((int)t.Block);
        CpuChunks.ForSegments(t.Batch * t.Block, length, (b, start, end) =>
            block(s.AsSpan(checked((int)(b * t.SourceStride + t.SourceOffset + start)), end - start),
                  d.AsSpan(checked((int)(b * t.DestinationStride + t.DestinationOffset + start)), end - start)));
    }
}
