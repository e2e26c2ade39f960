namespace SuperRes.Tensors.Primitives;

/// <summary>kernels/channels.cl on CUDA and OpenCL: one work-item per element moved or mapped.</summary>
internal sealed class ChannelsKernels : Channels.IBackend
{
    private const string File = "channels.cl";

    public void Copy(ChannelTransfer t) => Transfer("copy_channels", t);

    public void Add(ChannelTransfer t) => Transfer("add_channels", t);

    public void Affine(DeviceBuffer x, DeviceBuffer scale, DeviceBuffer shift, int channels, int plane, DeviceBuffer y, long n) =>
        Launch.PerElement(File, "channel_affine", KernelDefines.None, x, n, channels, plane, x, scale, shift, y);

    public void Scale(DeviceBuffer x, DeviceBuffer scale, int channels, int plane, DeviceBuffer y, long n) =>
        Launch.PerElement(File, "channel_scale", KernelDefines.None, x, n, channels, plane, x, scale, y);

    private static void Transfer(string entryPoint, ChannelTransfer t) =>
        Launch.PerElement(File, entryPoint, KernelDefines.None, t.Source.Buffer, t.Length,
            t.Block, t.SourceStride, t.SourceOffset, t.DestinationStride, t.DestinationOffset, t.Source.Buffer, t.Destination.Buffer);
}
