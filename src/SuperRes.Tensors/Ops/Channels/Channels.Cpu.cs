namespace SuperRes.Tensors.Primitives;

/// <summary>The C# reference: one block copy or add per sample, plain loops for the per-channel maps.</summary>
internal sealed class ChannelsCpu : Channels.IBackend
{
    private delegate void BlockAction(ReadOnlySpan<float> src, Span<float> dst);

    public void Copy(ChannelTransfer t) => Transfer(t, static (s, d) => s.CopyTo(d));

    public void Add(ChannelTransfer t) => Transfer(t, static (s, d) =>
    {
        for (int i = 0; i < s.Length; i++)
            d[i] += s[i];
    });

    public void Affine(DeviceBuffer x, DeviceBuffer scale, DeviceBuffer shift, int channels, int plane, DeviceBuffer y, long n)
    {
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

    public void Scale(DeviceBuffer x, DeviceBuffer scale, int channels, int plane, DeviceBuffer y, long n)
    {
        var xs = Launch.Span(x, n);
        var scales = Launch.Span(scale, channels);
        var ys = Launch.Span(y, n);
        for (int i = 0; i < xs.Length; i++)
            ys[i] = scales[i / plane % channels] * xs[i];
    }

    private static void Transfer(ChannelTransfer t, BlockAction block)
    {
        var s = Launch.Span(t.Source.Buffer, t.Batch * t.SourceStride);
        var d = Launch.Span(t.Destination.Buffer, t.Batch * t.DestinationStride);
        int length = checked((int)t.Block);
        for (int b = 0; b < t.Batch; b++)
            block(s.Slice(checked((int)(b * t.SourceStride + t.SourceOffset)), length),
                  d.Slice(checked((int)(b * t.DestinationStride + t.DestinationOffset)), length));
    }
}
